#!/usr/bin/env node
// The real-browser check of the generated product site.
//
//   node tests/browser/check.mjs <site-dir> <screenshot-dir>
//
// <site-dir> is the example catalog's built `out/site/`. The pages are opened straight from
// disk (file:// URLs, nothing is served) in headless Chromium (Debian's `chromium`, or the
// binary named by $CHROMIUM), and what a visitor sees is checked in the rendered DOM: prices,
// calls to action, the dependency note and its link, the plan version, the monthly / yearly
// toggle (with the mouse, the keyboard and with JavaScript off), landmarks and headings, and
// that nothing overflows a phone's screen. Screenshots of every state go to <screenshot-dir>.
//
// Exit status: 0 all checks passed, 1 some failed (each is listed), 2 usage or launch error.
// Driven by `tests/pages.rs` (`cargo test --test pages`).

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [siteArg, shotArg] = process.argv.slice(2);
if (!siteArg || !shotArg) {
  console.error('usage: node tests/browser/check.mjs <site-dir> <screenshot-dir>');
  process.exit(2);
}
const site = resolve(siteArg);
const shots = resolve(shotArg);
if (!existsSync(join(site, 'index.html'))) {
  console.error(`${site}/index.html does not exist: run \`plancat build\` first`);
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

// What the example catalog sells (plans/): the pages must show exactly this.
const EX = {
  brand: 'ShopCore Labs',
  api: { slug: 'shopcore-commerce-api', name: 'ShopCore Commerce API' },
  product: { slug: 'aurora-storefront', name: 'Aurora Storefront', price: '₹7,999.00' },
  bundle: {
    slug: 'commerce-marketplace-bundle',
    name: 'Marketplace Bundle',
    price: '₹16,999.15',
    components: [
      ['ShopCore Commerce API — Growth', '₹6,999.00'],
      ['MarketStall Multivendor', '₹19,999.00'],
    ],
  },
  // Starter and Growth: monthly → yearly.
  tiers: [
    ['Starter', '₹2,499.00', '₹24,990.00'],
    ['Growth', '₹6,999.00', '₹69,990.00'],
  ],
  overage: '₹0.50 per 1,000 API calls beyond 1,00,000',
  cta: { primary: 'Start API Subscription', secondary: 'View Compatible Products' },
  trust: 'GST invoice with every purchase.',
};

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const url = (rel) => pathToFileURL(join(site, rel)).href;
const pages = {
  index: 'index.html',
  api: `apis/${EX.api.slug}/index.html`,
  product: `products/${EX.product.slug}/index.html`,
  bundle: `bundles/${EX.bundle.slug}/index.html`,
};

// The plan version a page must show: the newest non-withdrawn one in the ledger it serves.
function ledgerVersion(slug) {
  const index = JSON.parse(readFileSync(join(site, 'snapshots', slug, 'index.json'), 'utf8'));
  const live = index.versions.filter((v) => !v.yanked);
  return live[live.length - 1].plan_version;
}

// ---- a tiny check runner: every failure is listed, the run goes on ---------------------------

const failures = [];
let passed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`  ok   ${name}`);
  } catch (e) {
    failures.push(`${name}: ${e.message.split('\n')[0]}`);
    console.log(`  FAIL ${name}\n       ${e.message.split('\n').slice(0, 6).join('\n       ')}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** How many elements show `text` on screen (exact string or regex). */
async function visibleCount(scope, text) {
  return scope.getByText(text, { exact: typeof text === 'string' ? false : undefined })
    .filter({ visible: true })
    .count();
}
async function seen(scope, text, where = 'the page') {
  const n = await visibleCount(scope, text);
  assert(n > 0, `${JSON.stringify(String(text))} is not visible on ${where}`);
}
async function unseen(scope, text, where = 'the page') {
  const n = await visibleCount(scope, text);
  assert(n === 0, `${JSON.stringify(String(text))} is visible on ${where} (${n}×) but should be hidden`);
}

/** Opens a page and records anything that went wrong while loading it. */
async function open(context, rel) {
  const page = await context.newPage();
  page.setDefaultTimeout(5000); // static pages from disk: anything slower is a failure
  const problems = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('requestfailed', (r) => problems.push(`failed to load ${r.url()}: ${r.failure()?.errorText}`));
  await page.goto(url(rel), { waitUntil: 'load' });
  page.problems = problems;
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** What every page must have: a title, meta, canonical URL, its stylesheet, sane structure. */
async function pageBasics(page, label) {
  await check(`${label}: loads without errors, stylesheet applied`, async () => {
    assert(page.problems.length === 0, page.problems.join('; '));
    const styled = await page.evaluate(() => {
      const a = document.createElement('a');
      a.className = 'button primary';
      document.body.append(a);
      const bg = getComputedStyle(a).backgroundColor;
      a.remove();
      return bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent';
    });
    assert(styled, 'assets/style.css did not apply (a primary button has no background)');
  });
  await check(`${label}: title, description, canonical URL, language`, async () => {
    const head = await page.evaluate(() => ({
      title: document.title,
      description: document.querySelector('meta[name="description"]')?.content ?? '',
      canonical: document.querySelector('link[rel="canonical"]')?.href ?? '',
      lang: document.documentElement.lang,
    }));
    assert(head.title.includes(EX.brand), `<title> ${JSON.stringify(head.title)} lacks the brand`);
    assert(head.description.trim().length > 10, 'meta description is empty');
    assert(/^https?:\/\/[^/]+\//.test(head.canonical), `canonical ${JSON.stringify(head.canonical)}`);
    assert(head.lang, '<html lang> is empty');
  });
  await check(`${label}: landmarks, one h1, headings in order, labelled controls`, async () => {
    const a11y = await page.evaluate(() => {
      const problems = [];
      for (const sel of ['header', 'main', 'footer', 'nav']) {
        if (document.querySelectorAll(sel).length < 1) problems.push(`no <${sel}>`);
      }
      if (document.querySelectorAll('main').length > 1) problems.push('more than one <main>');
      const hs = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => +h.tagName[1]);
      if (hs.filter((l) => l === 1).length !== 1) problems.push(`${hs.filter((l) => l === 1).length} h1`);
      if (hs[0] !== 1) problems.push('the first heading is not the h1');
      hs.forEach((l, i) => i > 0 && l > hs[i - 1] + 1 && problems.push(`h${hs[i - 1]} → h${l}`));
      for (const el of document.querySelectorAll('input, select, textarea, button')) {
        const named = el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        if (!named) problems.push(`unlabelled <${el.tagName.toLowerCase()} id=${el.id}>`);
      }
      for (const img of document.querySelectorAll('img:not([alt])')) problems.push(`img without alt: ${img.src}`);
      for (const a of document.querySelectorAll('a')) {
        if (!a.textContent.trim() && !a.getAttribute('aria-label')) problems.push(`empty link to ${a.href}`);
      }
      return problems;
    });
    assert(a11y.length === 0, a11y.join('; '));
  });
}

async function planVersion(page, label, slug) {
  await check(`${label}: shows plan version ${ledgerVersion(slug)}`, async () => {
    const want = ledgerVersion(slug);
    await seen(page, new RegExp(`Plan version\\s*${want.replaceAll('.', '\\.')}`), label);
  });
}

/** Follows a link the way a visitor does and checks where it lands. */
async function follow(page, link, expectRel, expectH1) {
  await link.click();
  await page.waitForLoadState('load');
  const here = new URL(page.url());
  const want = new URL(url(expectRel));
  assert(here.pathname === want.pathname, `landed on ${here.pathname}, expected ${want.pathname}`);
  const h1 = (await page.locator('h1').innerText()).trim();
  assert(h1.startsWith(expectH1), `the page's h1 is ${JSON.stringify(h1)}, expected ${JSON.stringify(expectH1)}`);
  return here;
}

/** The radio for a billing period and the label a visitor clicks. */
function billing(page, which) {
  const radio = page.getByRole('radio', { name: new RegExp(`^${which}`, 'i') });
  return { radio, label: page.locator(`label[for]`).filter({ hasText: new RegExp(`^\\s*${which}`, 'i') }) };
}

async function tierPrices(page, label, period) {
  for (const [tier, monthly, yearly] of EX.tiers) {
    const card = page.getByRole('article', { name: new RegExp(`^${tier}`) });
    const [show, hide] = period === 'monthly' ? [monthly, yearly] : [yearly, monthly];
    await seen(card, show, `${label}, tier ${tier} (${period})`);
    await unseen(card, hide, `${label}, tier ${tier} (${period})`);
  }
}

// ---- the run ------------------------------------------------------------------------------------

const started = Date.now();
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
console.log(`Chromium ${browser.version()} over ${site}`);

try {
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });

  // Index.
  {
    const page = await open(desktop, pages.index);
    await pageBasics(page, 'index');
    await check('index: lists the API with its starting price, and the bundle', async () => {
      await seen(page.getByRole('link', { name: EX.api.name }), EX.api.name, 'the index');
      await seen(page, EX.tiers[0][1], 'the index');
      await seen(page.getByRole('link', { name: EX.bundle.name }), EX.bundle.name, 'the index');
    });
    await shot(page, 'index');
    await check('index: the API link opens the API page', async () => {
      await follow(page, page.getByRole('link', { name: EX.api.name }).first(), pages.api, EX.api.name);
    });
    await page.close();
  }

  // API page.
  {
    const page = await open(desktop, pages.api);
    await pageBasics(page, 'api');
    await planVersion(page, 'api', EX.api.slug);
    await check('api: monthly is the default and shows the monthly prices', async () => {
      assert(await billing(page, 'Monthly').radio.isChecked(), 'the Monthly radio is not checked');
      await tierPrices(page, 'the API page', 'monthly');
    });
    await check('api: quotas with overage, trial, add-ons, CTAs', async () => {
      await seen(page, EX.overage, 'the API page');
      await seen(page, /14-day free trial/i, 'the API page');
      await seen(page, 'Payment gateway', 'the API page');
      await seen(page.getByRole('link', { name: EX.cta.primary }), EX.cta.primary, 'the API page');
    });
    await check('api: compatible products link to their pages', async () => {
      const section = page.locator('#compatible-products');
      await seen(section.getByRole('link', { name: EX.product.name }), EX.product.name, '#compatible-products');
    });
    await shot(page, 'api-monthly');
    await check('api: clicking "Yearly" switches every tier to its yearly price', async () => {
      await billing(page, 'Yearly').label.click();
      assert(await billing(page, 'Yearly').radio.isChecked(), 'the Yearly radio is not checked after the click');
      await tierPrices(page, 'the API page', 'yearly');
    });
    await shot(page, 'api-yearly');
    await check('api: clicking "Monthly" switches back', async () => {
      await billing(page, 'Monthly').label.click();
      await tierPrices(page, 'the API page', 'monthly');
    });
    await check('api: the billing toggle works from the keyboard (arrow keys)', async () => {
      await billing(page, 'Monthly').radio.focus();
      await page.keyboard.press('ArrowRight');
      assert(await billing(page, 'Yearly').radio.isChecked(), 'ArrowRight did not select Yearly');
      await tierPrices(page, 'the API page', 'yearly');
      await page.keyboard.press('ArrowLeft');
      await tierPrices(page, 'the API page', 'monthly');
    });
    await page.close();
  }

  // Product page.
  {
    const page = await open(desktop, pages.product);
    await pageBasics(page, 'product');
    await planVersion(page, 'product', EX.product.slug);
    await check('product: name, price, CTAs, trust note', async () => {
      await seen(page.locator('h1'), EX.product.name, 'the product page');
      await seen(page, EX.product.price, 'the product page');
      await seen(page.getByRole('link', { name: EX.cta.primary }), EX.cta.primary, 'the product page');
      await seen(page.getByRole('link', { name: EX.cta.secondary }), EX.cta.secondary, 'the product page');
      await seen(page, EX.trust, 'the product page');
    });
    await check(`product: the note "Requires: ${EX.api.name}" is visible`, async () => {
      await seen(page, new RegExp(`Requires:\\s+${EX.api.name}`), 'the product page');
    });
    await shot(page, 'product');
    await check('product: the dependency note links to the API page', async () => {
      const note = page.getByText(/Requires:/).filter({ visible: true }).first();
      await follow(page, note.getByRole('link', { name: EX.api.name }), pages.api, EX.api.name);
      await page.goBack();
    });
    await check(`product: "${EX.cta.primary}" opens the API's plans`, async () => {
      const here = await follow(page, page.getByRole('link', { name: EX.cta.primary }).first(), pages.api, EX.api.name);
      assert(here.hash === '#tiers', `landed on ${here.hash || 'no anchor'}, expected #tiers`);
      await page.goBack();
    });
    await check(`product: "${EX.cta.secondary}" opens the compatible products, listing this one`, async () => {
      const here = await follow(page, page.getByRole('link', { name: EX.cta.secondary }).first(), pages.api, EX.api.name);
      assert(here.hash === '#compatible-products', `landed on ${here.hash || 'no anchor'}`);
      const section = page.locator('#compatible-products');
      assert(await section.isVisible(), '#compatible-products is not visible');
      await seen(section.getByRole('link', { name: EX.product.name }), EX.product.name, '#compatible-products');
      // The stylesheet may scroll smoothly: give it a moment to arrive.
      const inView = await page.waitForFunction(() => {
        const r = document.getElementById('compatible-products').getBoundingClientRect();
        return r.top < innerHeight / 2 && r.bottom > 0;
      }, null, { timeout: 3000 }).then(() => true, () => false);
      assert(inView, 'the browser did not scroll to #compatible-products');
    });
    await page.close();
  }

  // Bundle page.
  {
    const page = await open(desktop, pages.bundle);
    await pageBasics(page, 'bundle');
    await planVersion(page, 'bundle', EX.bundle.slug);
    await check('bundle: computed price, discount, components with their prices', async () => {
      await seen(page.locator('h1'), EX.bundle.name, 'the bundle page');
      await seen(page, EX.bundle.price, 'the bundle page');
      await seen(page, /15\s?%/, 'the bundle page');
      for (const [name, price] of EX.bundle.components) {
        await seen(page.getByRole('link', { name }), name, 'the bundle page');
        await seen(page, price, 'the bundle page');
      }
    });
    await shot(page, 'bundle');
    await check('bundle: a component link opens its page', async () => {
      const [name] = EX.bundle.components[0];
      await follow(page, page.getByRole('link', { name }).first(), pages.api, EX.api.name);
    });
    await page.close();
  }
  await desktop.close();

  // JavaScript off: the pages must read the same, and the toggle still works (it is CSS).
  {
    const nojs = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const api = await open(nojs, pages.api);
    await check('no JS, api: prices, plan version and the toggle', async () => {
      assert(api.problems.length === 0, api.problems.join('; '));
      await seen(api, new RegExp(`Plan version\\s*${ledgerVersion(EX.api.slug).replaceAll('.', '\\.')}`));
      await tierPrices(api, 'the API page without JS', 'monthly');
      await billing(api, 'Yearly').label.click();
      await tierPrices(api, 'the API page without JS', 'yearly');
    });
    await shot(api, 'api-yearly-nojs');
    const product = await open(nojs, pages.product);
    await check('no JS, product: price, dependency note, CTAs', async () => {
      await seen(product, EX.product.price);
      await seen(product, new RegExp(`Requires:\\s+${EX.api.name}`));
      await seen(product.getByRole('link', { name: EX.cta.primary }), EX.cta.primary);
      await seen(product.getByRole('link', { name: EX.cta.secondary }), EX.cta.secondary);
    });
    await shot(product, 'product-nojs');
    await nojs.close();
  }

  // A phone: nothing wider than the screen, prices still visible.
  {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    for (const [name, rel] of Object.entries(pages)) {
      const page = await open(phone, rel);
      await check(`phone, ${name}: no horizontal scrolling`, async () => {
        const { scroll, width, culprit } = await page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          const wide = [...document.querySelectorAll('body *')].find((el) => el.getBoundingClientRect().right > width + 1);
          return { scroll: document.documentElement.scrollWidth, width, culprit: wide ? `<${wide.tagName.toLowerCase()} class="${wide.className}">` : '' };
        });
        assert(scroll <= width + 1, `the page is ${scroll}px wide on a ${width}px screen (${culprit})`);
      });
      if (name === 'api') await check('phone, api: tier prices visible', () => tierPrices(page, 'the API page on a phone', 'monthly'));
      await shot(page, `${name}-phone`);
      await page.close();
    }
    await phone.close();
  }
} finally {
  await browser.close();
}

const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\n${passed} checks passed, ${failures.length} failed in ${secs}s; screenshots in ${shots}`);
if (failures.length) {
  console.log(`\nFailures:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
