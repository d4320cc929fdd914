#!/usr/bin/env node
// Opens a page of `plancat serve` in headless Chromium, edits a plan file, and waits — with no
// action in the browser — for the page to reload by itself and show the new text.
//
//   node tests/browser/live-reload.mjs <page-url> <plan-file> <from> <to> <before-text> <after-text>
//
// Prints how long the new text took to appear. Exit status: 0 reloaded, 1 it did not (or the
// page did not show <before-text> first), 2 usage or launch error. Driven by `tests/serve.rs`.

import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [url, file, from, to, before, after] = process.argv.slice(2);
if (!after) {
  console.error('usage: node tests/browser/live-reload.mjs <page-url> <plan-file> <from> <to> <before-text> <after-text>');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
} catch (e) {
  console.error(`cannot launch Chromium at ${CHROMIUM}: ${e.message}`);
  process.exit(2);
}
let status = 1;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let loads = 0;
  page.on('load', () => { loads += 1; });
  await page.goto(url, { waitUntil: 'load' });
  // The reload channel is open once the script has run; give it a moment to connect.
  await page.waitForTimeout(300);
  const first = await page.innerText('body');
  if (!first.includes(before)) {
    console.error(`the page does not show ${JSON.stringify(before)} at first`);
  } else {
    const text = readFileSync(file, 'utf8');
    if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
    const started = Date.now();
    writeFileSync(file, text.replace(from, to));
    let shown = false;
    while (Date.now() - started < 15000) {
      try {
        if ((await page.innerText('body')).includes(after)) { shown = true; break; }
      } catch { /* the page is reloading */ }
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!shown) {
      console.error(`the page did not show ${JSON.stringify(after)} within 15 s (${loads} loads)`);
    } else if (loads < 2) {
      console.error('the new text appeared without a reload');
    } else if (errors.length) {
      console.error(`script errors: ${errors.join('; ')}`);
    } else {
      console.log(`reloaded by itself; new price shown ${Date.now() - started} ms after the edit`);
      status = 0;
    }
  }
} catch (e) {
  console.error(e.message);
  status = 2;
} finally {
  await browser.close();
}
process.exit(status);
