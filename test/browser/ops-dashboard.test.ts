import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import { startSupplier, type TestSupplier } from '../../lib/testbed/index.js';
import { startTestGateway, TEST_OPS_TOKEN } from '../helpers/gateway.js';
import { availabilityOf, nextPatient, record, warm, WriteCounter } from '../helpers/scenario.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = 'test-results';

describe('ops dashboard in a real browser (Debian chromium, headless)', () => {
  let gp: TestSupplier;
  let hospital: TestSupplier;
  let gateway: RunningGateway;
  let browser: Browser;
  let page: Page;
  const writes = new WriteCounter();
  const card = (supplier: string) => page.locator(`article[data-supplier="${supplier}"]`);
  /** The dashboard open and signed in, whatever an earlier test left (each test also runs alone). */
  const signedIn = async () => {
    if (!page.url().startsWith(gateway.ops.url)) await page.goto(gateway.ops.url);
    if (await page.locator('#login').isVisible()) {
      await page.fill('#token', TEST_OPS_TOKEN);
      await page.click('#login-form button[type=submit]');
    }
    await card('gp').waitFor();
  };
  /** A page of its own, opened and signed in now (a new browser context: nothing kept from other tests). */
  const freshPage = async (): Promise<Page> => {
    const fresh = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await fresh.goto(gateway.ops.url);
    await fresh.fill('#token', TEST_OPS_TOKEN);
    await fresh.click('#login-form button[type=submit]');
    await fresh.locator('article[data-supplier="gp"]').waitFor({ timeout: 10_000 });
    return fresh;
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's chromium (bash .ci/run does) or set CHROMIUM_PATH`,
      );
    }
    [gp, hospital] = await Promise.all([startSupplier('gp'), startSupplier('hospital')]);
    gateway = await startTestGateway(
      { gp, hospital },
      // The idle probe finds a killed supplier at once; a generous timeout keeps a busy machine from failing it.
      { BREAKER_TIMEOUT_MS: '3000', BREAKER_IDLE_PROBE_MS: '200', BREAKER_RESET_TIMEOUT_MS: '60000' },
      { cacheObserver: writes },
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await Promise.all([gp?.stop(), hospital?.stop()]);
  });

  it('asks for the ops token, then shows one live card per supplier, grouped by record domain', async () => {
    await page.goto(gateway.ops.url);
    // A token kept from an earlier test would skip the sign-in this test is about.
    await page.evaluate('sessionStorage.clear()');
    await page.reload();
    await expect.poll(() => page.locator('#login').isVisible()).toBe(true);
    await page.fill('#token', TEST_OPS_TOKEN);
    await page.click('#login-form button[type=submit]');
    await card('gp').waitFor();
    expect(await card('gp').locator('.badge').textContent()).toBe('CLOSED');
    expect(await card('hospital').locator('.badge').textContent()).toBe('CLOSED');
    expect(await page.locator('section.domain[data-domain=gp] article').count()).toBe(1);
    expect(await page.locator('section.domain[data-domain=hospital] article').count()).toBe(1);
    // Each card says whom the supplier serves and how many patients an outage would touch.
    expect(await card('gp').textContent()).toMatch(/Serves\s*A81001, A81002, B82005/);
    expect(await card('gp').textContent()).toMatch(/Blast radius\s*\d{3,} patients/);
    await expect.poll(() => page.locator('#stream').textContent()).toBe('live');
    await page.screenshot({ path: 'test-results/ops-dashboard-domains.png', fullPage: true });
  });

  it('turns a card OPEN when its supplier is killed, without anyone reloading the page', async () => {
    await signedIn();
    await hospital.kill();
    await expect
      .poll(() => card('hospital').locator('.badge').textContent(), { timeout: 8_000 })
      .toBe('OPEN');
    expect(await card('hospital').textContent()).toMatch(/Last failure\s*CONNECTION_FAILED/);
    await page.screenshot({ path: `${SCREENSHOTS}/ops-dashboard-open.png`, fullPage: true });
    await hospital.restart();
    gateway.suppliers.find((s) => s.name === 'hospital')!.breaker.reset('test: hospital is back');
  });

  it('isolates a supplier from its card, asking for a reason; no request reaches it and clinicians get STALE', async () => {
    await signedIn();
    const n = nextPatient();
    await warm(gateway, writes, n);
    await card('gp').locator('button[data-action=isolate]').click();
    await expect.poll(() => page.locator('#confirm').isVisible()).toBe(true);
    await page.click('#confirm-ok');
    await expect.poll(() => page.locator('#confirm-error').textContent()).toMatch(/REASON_REQUIRED/);
    await page.fill('#reason', 'SOC: supplier reports ransomware on its network');
    await page.click('#confirm-ok');
    await expect.poll(() => card('gp').locator('.badge').textContent(), { timeout: 5_000 }).toBe('ISOLATED');
    expect(await card('gp').textContent()).toContain('SOC: supplier reports ransomware');
    const before = (await gp.stats()).requests;
    const answer = await record(gateway, n);
    expect(availabilityOf(answer).gp).toMatchObject({ status: 'STALE', breaker: 'ISOLATED' });
    expect((await gp.stats()).requests).toBe(before);
    await expect.poll(() => page.locator('#events').textContent()).toMatch(/isolate gp by ops/);
    await page.screenshot({ path: `${SCREENSHOTS}/ops-dashboard-isolated.png`, fullPage: true });
    await card('gp').locator('button[data-action=restore]').click();
    await page.fill('#reason', 'SOC: all clear');
    await page.click('#confirm-ok');
    await expect.poll(() => card('gp').locator('.badge').textContent(), { timeout: 5_000 }).toBe('CLOSED');
  });

  it('shows registry entries with the version in service and each gate’s verdict', async () => {
    await signedIn();
    const sdl =
      'extend type Patient @key(fields: "nhsNumber") {\n  nhsNumber: String! @external\n  dispensed: [Dispense!]\n}\ntype Dispense {\n  id: ID!\n}\n';
    const response = await fetch(`${gateway.ops.url}/api/registry/entries`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_OPS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        entry: { kind: 'domain', name: 'pharmacy', serves: 'pharmacy', sdl },
        reason: 'CR-9 pharmacy domain',
      }),
    });
    expect(response.status).toBe(201);
    const entry = page.locator('#registry-panel li[data-entry="domain/pharmacy"]');
    await expect.poll(() => entry.textContent(), { timeout: 10_000 }).toContain('in service: v1');
    expect(await entry.locator('.gates').textContent()).toMatch(/✓ market.*✓ contract.*✓ composition/);
    expect(await page.locator('#registry-panel').textContent()).toMatch(/serves revision 1 from local/);
    await page.screenshot({ path: `${SCREENSHOTS}/ops-dashboard-registry.png`, fullPage: true });
  });

  it('lists a transition from before the page was opened, and shows it on the supplier’s timeline', async () => {
    const breaker = gateway.suppliers.find((s) => s.name === 'hospital')!.breaker;
    const cause = `test: isolated before the page opened (${Math.random().toString(36).slice(2)})`;
    breaker.isolate(cause);
    breaker.restore('test: restored before the page opened');
    const fresh = await freshPage();
    try {
      const listed = fresh.locator('#events li', { hasText: cause });
      await listed.waitFor({ timeout: 10_000 });
      expect(await listed.textContent()).toMatch(/hospital: \w+ → ISOLATED/);
      const timeline = fresh.locator('article[data-supplier="hospital"] .history-timeline');
      await timeline.locator('rect.seg-ISOLATED').first().waitFor({ timeout: 10_000 });
      expect(await timeline.locator('rect.seg-ISOLATED title').first().textContent()).toMatch(
        /^ISOLATED from .+ to /,
      );
      // Not colour alone: the strip says in text what it shows, to screen readers and on screen.
      expect(await timeline.locator('svg').getAttribute('aria-label')).toMatch(/ISOLATED at /);
      expect(await timeline.locator('figcaption').textContent()).toMatch(/ISOLATED at /);
      await fresh.screenshot({ path: `${SCREENSHOTS}/ops-dashboard-history.png`, fullPage: true });
    } finally {
      await fresh.close();
    }
  });

  it('draws the error rate and stale share per minute for a supplier that had traffic', async () => {
    const answer = await record(gateway, nextPatient());
    expect(answer.status).toBe(200);
    const fresh = await freshPage();
    try {
      const gpCard = fresh.locator('article[data-supplier="gp"]');
      for (const chart of ['error-rate', 'stale-share']) {
        const figure = gpCard.locator(`figure.spark.has-data[data-chart="${chart}"]`);
        await figure.locator('svg rect.bar').first().waitFor({ timeout: 10_000 });
        expect(await figure.locator('figcaption').textContent()).toMatch(/last hour: peak \d+(\.\d)? %/);
      }
    } finally {
      await fresh.close();
    }
  });
});
