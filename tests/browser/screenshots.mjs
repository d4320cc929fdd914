#!/usr/bin/env node
// Regenerates the README's screenshots of the default pages from a built example site:
//
//   cargo run -- build && node tests/browser/screenshots.mjs out/site docs
//
// Writes screenshot-index.png, screenshot-api.png and screenshot-product.png, 1200px wide.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [siteArg, outArg] = process.argv.slice(2);
if (!siteArg || !outArg) {
  console.error('usage: node tests/browser/screenshots.mjs <site-dir> <out-dir>');
  process.exit(2);
}
const site = resolve(siteArg);
const out = resolve(outArg);
mkdirSync(out, { recursive: true });

const shots = [
  // [file, page, height of the visible part (the top of the page)]
  ['screenshot-index.png', 'index.html', 1100],
  ['screenshot-api.png', 'apis/shopcore-commerce-api/index.html', 1250],
  ['screenshot-product.png', 'products/aurora-storefront/index.html', 900],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const [file, rel, height] of shots) {
    const page = await browser.newPage({ viewport: { width: 1200, height } });
    await page.goto(pathToFileURL(join(site, rel)).href, { waitUntil: 'load' });
    await page.screenshot({ path: join(out, file) });
    console.log(`${join(outArg, file)} (${rel})`);
    await page.close();
  }
} finally {
  await browser.close();
}
