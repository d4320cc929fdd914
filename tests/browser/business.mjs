#!/usr/bin/env node
// Every business shape, in a real browser. On the site built from
// tests/cases/site-kinds-services-currencies: the currency switch (plain links) takes the
// visitor to the same page in euros and back, with every price changing currency; a
// membership tier's checkout follows the billing toggle; the running promotion's badge shows;
// a subscription product's buy button leads to its checkout, a quoted service's to sales, a
// contact-sales bundle's to sales. Then an axe-core audit of EVERY page of every site given
// (all page kinds, both currencies, English, German and Hindi) at desktop and phone width: no
// violation. No request leaves the machine: non-file requests are intercepted and recorded.
//
//   node tests/browser/business.mjs <kinds-site-dir> [<more-site-dirs>…]
//
// Exit status: 0 all good, 1 a check failed, 2 usage or launch error. Driven by
// `tests/pages.rs`.

import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const sites = process.argv.slice(2).map((s) => resolve(s));
if (!sites.length || !sites.every((s) => existsSync(join(s, 'index.html')))) {
  console.error('usage: node tests/browser/business.mjs <kinds-site-dir> [<more-site-dirs>…]');
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

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };
const kinds = sites[0];
const url = (site, rel) => pathToFileURL(join(site, rel)).href;
const pagesOf = (dir) => readdirSync(dir, { withFileTypes: true, recursive: true })
  .filter((e) => e.isFile() && e.name.endsWith('.html'))
  .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)))
  .sort();
const text = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();

try {
  let audited = 0;
  for (const width of [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const visited = [];
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith('file:')) return route.continue();
      visited.push(u);
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>elsewhere</p>' });
    });

    // The currency switch: the same page, in euros, and back.
    await page.goto(url(kinds, 'plans/guild-membership/index.html'));
    const member = page.locator('article.tier', { has: page.locator('h3', { hasText: 'Member' }) }).first();
    const monthly = member.locator('[data-price="monthly"]');
    check(await text(monthly) === '$12.00', `${width}px: the membership page opens in dollars (got ${await text(monthly)})`);
    const current = page.locator('nav.currencies [aria-current="page"]');
    check(await text(current) === 'USD', `${width}px: USD is marked as the current currency`);
    await Promise.all([page.waitForURL(/\/eur\/plans\/guild-membership\/index\.html$/),
      page.locator('nav.currencies a', { hasText: 'EUR' }).click()]);
    check(await text(monthly) === '€11.00', `${width}px: after switching, the tier is in euros (got ${await text(monthly)})`);
    check(await text(current) === 'EUR', `${width}px: EUR is marked as current after the switch`);
    check((await text(page.locator('.foot-meta'))).includes('Prices in EUR'), `${width}px: the footer says the prices are in euros`);
    check(!(await page.locator('main').innerText()).includes('$'), `${width}px: no dollar amount is left on the euro page`);
    const eurMonthly = member.locator('a[data-checkout="monthly"]');
    check(await eurMonthly.getAttribute('href') === 'https://pay.guildhall.example/eur/member-monthly', `${width}px: the euro page's monthly button is the euro payment link`);
    await Promise.all([page.waitForURL(/\/plans\/guild-membership\/index\.html$/),
      page.locator('nav.currencies a', { hasText: 'USD' }).click()]);
    check(!page.url().includes('/eur/'), `${width}px: the switch leads back to the dollar page`);

    // Membership checkout follows the billing toggle; the promotion shows with its price.
    const visibleCheckout = async () => {
      const buttons = member.locator('a[data-checkout]');
      for (let i = 0; i < await buttons.count(); i++) {
        if (await buttons.nth(i).isVisible()) return buttons.nth(i).getAttribute('href');
      }
      return null;
    };
    check(await visibleCheckout() === 'https://pay.guildhall.example/member-monthly', `${width}px: the member tier's monthly checkout shows first`);
    await page.locator('label[for="billing-yearly"]').click();
    check(await visibleCheckout() === 'https://pay.guildhall.example/member-yearly', `${width}px: the yearly checkout after the toggle`);
    const badge = member.locator('.promo-badge', { hasText: 'Founders' });
    check(await badge.isVisible(), `${width}px: the running promotion's badge is visible`);
    check((await text(member.locator('.promo'))).includes('$9.60 / month'), `${width}px: the promotion's computed price is shown`);
    const custom = page.locator('article.tier', { has: page.locator('h3', { hasText: 'Guild hall' }) });
    check((await text(custom)).includes('From $99.00 / month — contact us'), `${width}px: the contact-sales tier shows where it starts`);

    // Products of every kind lead where a customer buys them.
    await page.goto(url(kinds, 'products/studio-planner/index.html'));
    const subscribe = page.locator('a[data-checkout="product"]');
    check(await text(subscribe) === 'Subscribe', `${width}px: a subscription product says Subscribe`);
    await Promise.all([page.waitForURL('https://pay.guildhall.example/studio-planner'), subscribe.click()]);
    check(visited.includes('https://pay.guildhall.example/studio-planner'), `${width}px: Subscribe goes to the checkout`);
    await page.goto(url(kinds, 'products/portfolio-review/index.html'));
    check((await text(page.locator('[data-price="product"]'))) === '$150.00–$300.00 / hour', `${width}px: the hourly range is shown`);
    const quote = page.locator('a[data-checkout="product"]');
    check(await text(quote) === 'Request a quote' && await quote.getAttribute('href') === 'mailto:sales@guildhall.example', `${width}px: a quoted service asks for a quote from sales`);
    await page.goto(url(kinds, 'bundles/guild-studio-bundle/index.html'));
    const sales = page.locator('a[data-checkout="sales"]');
    check(await sales.isVisible() && await sales.getAttribute('href') === 'mailto:sales@guildhall.example', `${width}px: a contact-sales bundle leads to sales`);
    check((await text(page.locator('[data-price="bundle"]'))).endsWith('— contact us'), `${width}px: a contact-sales bundle's price is where it starts`);

    // Every page of every site passes axe-core.
    for (const site of sites) {
      for (const rel of pagesOf(site)) {
        await page.goto(url(site, rel));
        await page.addScriptTag({ path: AXE });
        const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
        for (const v of violations) failures.push(`${width}px ${relative(resolve('.'), join(site, rel))}: axe ${v}`);
        audited += 1;
      }
    }
    await page.close();
  }
  check(audited >= 40, `expected every page of every site audited at both widths, got ${audited}`);
  console.log(`audited ${audited} pages`);
} catch (e) {
  failures.push(e.message);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.map((f) => `FAIL ${f}`).join('\n'));
  process.exit(1);
}
console.log('currency switch, membership checkout, promotion, subscription, quote and contact-sales buttons work; no axe-core violation on any page at 1280 and 390 px');
