#!/usr/bin/env node
// Opens every page of a built site in headless Chromium (JavaScript on) and fails if anything
// a catalog wrote ran or became markup: a dialog (`alert`), a script error, a request for an
// injected resource (`<img src=x>`), a <script>, <img> or <iframe> element, or an `on…`
// attribute. The default templates use none of these, so any one of them is an injection.
//
//   node tests/browser/no-script.mjs <site-dir>
//
// Exit status: 0 clean, 1 something ran or was injected, 2 usage or launch error.
// Driven by `tests/pages.rs` on a catalog full of XSS payloads.

import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const siteArg = process.argv[2];
if (!siteArg) {
  console.error('usage: node tests/browser/no-script.mjs <site-dir>');
  process.exit(2);
}
const site = resolve(siteArg);
if (!existsSync(join(site, 'index.html'))) {
  console.error(`${site}/index.html does not exist`);
  process.exit(2);
}
const pages = readdirSync(site, { recursive: true })
  .filter((p) => p.endsWith('.html'))
  .sort();

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

const problems = [];
try {
  const context = await browser.newContext();
  for (const rel of pages) {
    const page = await context.newPage();
    const here = (what) => problems.push(`${rel}: ${what}`);
    page.on('dialog', async (d) => {
      here(`a ${d.type()} dialog opened: ${JSON.stringify(d.message())}`);
      await d.dismiss();
    });
    page.on('pageerror', (e) => here(`script error: ${e.message}`));
    page.on('request', (r) => {
      const u = new URL(r.url());
      // The page itself, its stylesheet and the site's icon are the only things a page may load.
      const own = u.pathname.endsWith('.html') || u.pathname.endsWith('/assets/style.css')
        || u.pathname.endsWith('/assets/favicon.svg');
      if (u.protocol !== 'file:' || !own) {
        here(`requested ${r.url()}`);
      }
    });
    await page.goto(pathToFileURL(join(site, rel)).href, { waitUntil: 'load' });
    const injected = await page.evaluate(() => {
      const found = [];
      for (const el of document.querySelectorAll('script, img, iframe, object, embed, svg')) {
        found.push(`<${el.tagName.toLowerCase()}> element`);
      }
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
          if (a.name.startsWith('on')) found.push(`${a.name}= on <${el.tagName.toLowerCase()}>`);
        }
      }
      for (const a of document.querySelectorAll('[href]')) {
        if (/^\s*(javascript|data|vbscript):/i.test(a.getAttribute('href'))) found.push(`href=${a.getAttribute('href')}`);
      }
      return found;
    });
    injected.forEach(here);
    await page.close();
  }
} finally {
  await browser.close();
}

console.log(`${pages.length} pages opened in Chromium ${browser.version()} (${relative(process.cwd(), site) || '.'})`);
if (problems.length) {
  console.log(`catalog text became markup or ran:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('no dialogs, scripts, injected elements or handlers');
