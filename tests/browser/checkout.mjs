#!/usr/bin/env node
// Pages that sell, in a real browser: on an API page, a tier's checkout button follows the
// monthly / yearly toggle (the visible button's URL changes when "Yearly" is clicked, and
// clicking it goes there); a running promotion's badge is visible; a product's and a bundle's
// buy buttons lead to their checkout URLs; and every page kind (index, API, frontend, kit,
// bundle) passes an axe-core accessibility audit with no violation, at desktop and phone width.
// No request leaves the machine: navigations to checkout hosts are intercepted and recorded.
//
//   node tests/browser/checkout.mjs <site-dir>
//
// Expects the site built from tests/cases/site-promotions-and-savings. Exit status: 0 all
// good, 1 a check failed, 2 usage or launch error. Driven by `tests/pages.rs`.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const siteArg = process.argv[2];
if (!siteArg || !existsSync(join(resolve(siteArg), 'index.html'))) {
  console.error('usage: node tests/browser/checkout.mjs <site-dir>');
  process.exit(2);
}
const site = resolve(siteArg);
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

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };
const url = (rel) => pathToFileURL(join(site, rel)).href;

try {
  for (const width of [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const visited = [];
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith('file:')) return route.continue();
      visited.push(u);
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>checkout</p>' });
    });

    await page.goto(url('apis/sell-api/index.html'));
    const pro = page.locator('article.tier', { has: page.locator('h3', { hasText: 'Pro' }) });
    const visibleHref = async () => {
      const buttons = pro.locator('a[data-checkout]');
      for (let i = 0; i < await buttons.count(); i++) {
        if (await buttons.nth(i).isVisible()) return buttons.nth(i).getAttribute('href');
      }
      return null;
    };
    check(await visibleHref() === 'https://pay.example/pro-monthly', `${width}px: monthly checkout shown first (got ${await visibleHref()})`);
    await page.locator('label[for="billing-yearly"]').click();
    check(await visibleHref() === 'https://pay.example/pro-yearly', `${width}px: the yearly checkout after the toggle (got ${await visibleHref()})`);
    const yearly = pro.locator('a[data-checkout="yearly"]');
    await Promise.all([page.waitForURL('https://pay.example/pro-yearly'), yearly.click()]);
    check(visited.includes('https://pay.example/pro-yearly'), `${width}px: clicking the yearly button goes to its checkout`);

    await page.goto(url('apis/sell-api/index.html'));
    const badge = page.locator('.promo-badge', { hasText: 'Spring sale' });
    check(await badge.isVisible(), `${width}px: the running promotion's badge is visible`);
    check((await page.locator('text=Old offer').count()) === 0, `${width}px: an expired promotion is not shown`);
    const addon = page.locator('a[data-checkout="addon"]');
    check(await addon.getAttribute('href') === 'https://pay.example/backups', `${width}px: the add-on's buy button`);

    await page.goto(url('products/sell-theme/index.html'));
    const buy = page.locator('a[data-checkout="product"]');
    check(await buy.isVisible(), `${width}px: the product's buy button is visible`);
    await Promise.all([page.waitForURL('https://pay.example/theme'), buy.click()]);

    await page.goto(url('bundles/sell-bundle/index.html'));
    check(await page.locator('a[data-checkout="bundle"]').getAttribute('href') === 'https://pay.example/bundle', `${width}px: the bundle's buy button`);
    check(await page.locator('s[data-price="list"]').isVisible(), `${width}px: the bundle's list price is visible`);

    await page.goto(url('index.html'));
    const solo = page.locator('a', { hasText: 'Solo Landing Kit' });
    check(await solo.isVisible(), `${width}px: the stand-alone kit is linked from the index`);

    for (const rel of ['index.html', 'apis/sell-api/index.html', 'products/sell-theme/index.html',
      'products/solo-kit/index.html', 'bundles/sell-bundle/index.html']) {
      await page.goto(url(rel));
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
      for (const v of violations) failures.push(`${width}px ${rel}: axe ${v}`);
    }
    await page.close();
  }
} catch (e) {
  failures.push(e.message);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.map((f) => `FAIL ${f}`).join('\n'));
  process.exit(1);
}
console.log('checkout buttons follow the billing toggle; promotions, add-on, product and bundle buy buttons work; no axe-core violation on any page kind at 1280 and 390 px');
