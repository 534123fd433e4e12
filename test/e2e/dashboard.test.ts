import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { postJson, startTestServer } from '../support/server.js';

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH points elsewhere if needed. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = join(tmpdir(), 'dashboard.png');

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The number a tile or the chart carries in a data attribute, as the page shows it now. */
function read(page: Page, testId: string, attribute = 'data-value'): Promise<number> {
  return page
    .getByTestId(testId)
    .getAttribute(attribute)
    .then((value) => Number(value));
}

/** Waits, without reloading, until the page shows `expected` (htmx polls every 2 s). */
async function waitFor(page: Page, testId: string, expected: number, attribute = 'data-value') {
  await expect.poll(() => read(page, testId, attribute), { timeout: 15_000 }).toBe(expected);
}

describe('dashboard in Chromium', () => {
  it('should create a counter, follow decrements live, and split it', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });

    await page.goto(server.url);
    await expect(page.getByTestId('memory-warning').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Create counter' }).click();
    await page.waitForURL(/\/counters\/[0-9a-f-]{36}$/);

    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    expect(await page.getByTestId('counter-id').textContent()).toBe(id);
    expect(await page.getByTestId('aggregate').textContent()).toBe('1,000');
    expect(await read(page, 'aggregate')).toBe(1000);
    expect(await read(page, 'active-shards')).toBe(10);
    expect(await read(page, 'shard-chart', 'data-series')).toBe(10);

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.url,
    });
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(id);

    // A marker that a reload would wipe: every change below must arrive through htmx.
    await page.evaluate('window.notReloaded = true');
    const chartBefore = await page.getByTestId('shard-chart').innerHTML();
    const samplesBefore = await read(page, 'shard-chart', 'data-samples');

    let decremented = 0;
    for (const amount of [40, 25, 60, 3, 17, 55]) {
      const res = await postJson(`${server.url}/api/counters/${id}/decrement`, { amount });
      expect(res.status).toBe(200);
      decremented += amount;
    }

    await waitFor(page, 'aggregate', 1000 - decremented);
    expect(await page.getByTestId('aggregate').textContent()).toBe('800');
    await expect
      .poll(() => read(page, 'shard-chart', 'data-samples'), { timeout: 15_000 })
      .toBeGreaterThan(samplesBefore);
    expect(await page.getByTestId('shard-chart').innerHTML()).not.toBe(chartBefore);

    await page.locator('#split-count').fill('2');
    await page.getByRole('button', { name: 'Split' }).click();
    await waitFor(page, 'active-shards', 12);
    await expect(page.getByTestId('notice').textContent()).resolves.toContain('12 active shards');
    await waitFor(page, 'shard-chart', 12, 'data-series');
    expect(await read(page, 'aggregate')).toBe(800);

    // A merge the core refuses comes back as a 400 fragment that htmx still swaps in.
    await page.locator('#merge-count').fill('50');
    await page.getByRole('button', { name: 'Merge' }).click();
    await expect
      .poll(() => page.getByTestId('notice').textContent())
      .toContain('Count must leave at least one active shard');
    expect(await read(page, 'active-shards')).toBe(12);
    expect(await page.evaluate('window.notReloaded')).toBe(true);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });

  it('should say clearly when an ID names no counter', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    const unknown = randomUUID();

    await page.getByLabel('Counter ID').fill(unknown);
    const [response] = await Promise.all([
      page.waitForResponse((res) => res.url().includes('/open?')),
      page.getByRole('button', { name: 'Open' }).click(),
    ]);

    expect(response.status()).toBe(404);
    const message = await page.getByTestId('open-error').textContent();
    expect(message).toContain(`No counter with ID ${unknown} exists.`);

    await page.getByLabel('Counter ID').fill('not-an-id');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect(page.getByTestId('open-error').textContent()).resolves.toContain(
      'is not a counter ID',
    );
    await page.close();
  });

  it('should create and merge with plain form posts when JavaScript is off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();

    await page.goto(server.url);
    await page.getByLabel('Initial value').fill('90');
    await page.getByLabel('Shards', { exact: true }).fill('6');
    await page.getByRole('button', { name: 'Create counter' }).click();
    await page.waitForURL(/\/counters\/[0-9a-f-]{36}$/);
    expect(await read(page, 'active-shards')).toBe(6);

    await page.locator('#merge-count').fill('4');
    await page.getByRole('button', { name: 'Merge' }).click();
    await page.waitForLoadState();

    expect(await read(page, 'active-shards')).toBe(2);
    expect(await read(page, 'aggregate')).toBe(90);
    await context.close();
  });
});
