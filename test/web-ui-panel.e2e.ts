import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, browserSuiteHooks, ensureWebUiBuilt, hasChromium, openBrowser, screenshot } from './support/browser';
import { panelCsv, seriesChampion } from './support/series-champion';
import { http, startServer, TestServer } from './support/server';

/** 1,200 daily series: more than the 1,000 a dataset description lists, so the champion's search is needed to reach the rest. */
const STORES = 1200;
const DAYS = 70;

describe.skipIf(!hasChromium)('web UI: a panel dataset and the forecast of any of its series (chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  /** Every API answer of 400 or more the pages received (none is expected). */
  const failed: string[] = [];
  const url = (p: string) => `${server.url}${p}`;

  beforeAll(async () => {
    ensureWebUiBuilt();
    server = await startServer();
    await seriesChampion(server.url, { name: 'panel-sales', csv: panelCsv(STORES, DAYS), model: 'panel-model' });
    browser = await openBrowser({ width: 1400, height: 1000 });
    browser.page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
  }, 90_000);
  browserSuiteHooks(() => ({ browser, server }));

  it('describes the panel: summary, findings, and its series paged, filtered and sorted', async () => {
    const { page } = browser;
    await page.goto(url('/datasets'));
    const row = page.getByTestId('datasets').getByRole('row', { name: /panel-sales/ });
    await row.getByText('D (daily)').waitFor();
    const started = Date.now();
    await row.getByRole('link', { name: 'panel-sales' }).click();
    const table = page.getByTestId('series-table');
    await table.getByRole('cell', { name: 'store-0', exact: true }).waitFor();
    const openMs = Date.now() - started;
    const summary = page.getByTestId('dataset-summary');
    await summary.getByRole('cell', { name: 'D (daily)' }).waitFor();
    await summary.getByRole('cell', { name: '7, 365.25 steps' }).waitFor();
    await summary.getByRole('cell', { name: String(STORES), exact: true }).waitFor();
    await page.getByTestId('findings').getByText('1 missing step(s) inserted on the frequency grid').waitFor();
    await page
      .getByTestId('findings')
      .getByText(/filled with the last earlier value/)
      .waitFor();
    expect(await table.locator('tbody tr').count()).toBe(50);
    await page.getByTestId('series-count').getByText(`the server lists the first 1000 of ${STORES}`).waitFor();
    await page.getByTestId('series-page').getByText('page 1 of 20').waitFor();
    await table.getByRole('button', { name: /^Missing/ }).click();
    await table.getByRole('button', { name: /^Missing/ }).click(); // descending: the series with the gap first
    await expect.poll(() => table.locator('tbody tr td').first().textContent()).toBe('store-3');
    expect(await table.locator('tbody tr').first().locator('td').last().textContent()).toBe('1.4 % (1 steps)');
    await table.getByRole('button', { name: /^Series/ }).click();
    await page.getByRole('button', { name: 'Next ›' }).click();
    await table.getByRole('cell', { name: 'store-50', exact: true }).waitFor();
    await page.getByLabel('Filter series').fill('store-11');
    await page.getByTestId('series-count').getByText('11 of 1000 series').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(11);
    await table.getByRole('button', { name: /^Series/ }).click(); // ascending (just chosen): now descending
    await expect.poll(() => table.locator('tbody tr td').first().textContent()).toBe('store-119');
    const state = new URL(page.url()).searchParams;
    expect([state.get('q'), state.get('sort'), state.get('desc'), state.get('page')]).toEqual([
      'store-11',
      'id',
      '1',
      null,
    ]);
    await screenshot(page, 'panel-dataset');
    console.log(`web-ui-panel: dataset page with 1000 listed series drawn ${openMs} ms after the click`);
    expect(openMs).toBeLessThan(5000);

    await page.getByRole('link', { name: 'Search models on it' }).click();
    const form = page.getByRole('form', { name: 'Search on a series dataset' });
    await form.getByRole('link', { name: 'panel-sales' }).waitFor();
    await form.getByLabel('Horizon').fill('0');
    await form.getByText('horizon: a whole number ≥ 1').waitFor();
    expect(await form.getByRole('button', { name: 'Submit search' }).isDisabled()).toBe(true);
  });

  it('forecasts a series beyond the listed 1000: history, forecast, 80% band and seasonal naive', async () => {
    const { page } = browser;
    await page.goto(url('/forecasts/panel-model'));
    await page
      .getByTestId('panel-summary')
      .getByText(/theta champion v1 · 1200 series · frequency D/)
      .waitFor();
    // The first series is forecast at once, with the model's horizon.
    await page.getByTestId('panel-forecast-chart').locator('canvas').waitFor();
    await page.getByLabel('Series', { exact: true }).fill('store-1042');
    await page.getByTestId('series-matches').getByText(`✓ 1 of ${STORES} match`).waitFor();
    await page.getByLabel('Horizon').fill('21');
    await page.getByLabel('History steps').fill('35');
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Forecast' }).click();
    await page
      .getByTestId('panel-forecast-info')
      .getByText(/^store-1042: 21 steps from 2024-03-11/)
      .waitFor();
    await page.locator('[data-testid="panel-forecast-chart"] canvas').waitFor();
    console.log(`web-ui-panel: series forecast drawn ${Date.now() - clicked} ms after the click`);
    expect(page.url()).toMatch(/series=store-1042&horizon=21&history=35/);
    const chart = page.getByTestId('panel-forecast-chart');
    await chart.locator('canvas').waitFor();
    // Forecast and baseline join the last observed point (21 + 1); the band covers the 21 steps.
    expect(JSON.parse((await chart.getAttribute('data-points'))!)).toEqual({
      history: 35,
      forecast: 22,
      band: 21,
      baseline: 22,
    });
    for (const label of ['history', 'forecast', 'lower 80%', 'upper 80%', 'seasonal naive (period 7)'])
      await chart.locator('.u-legend').getByText(label, { exact: true }).waitFor();
    await page
      .getByTestId('champion-scores')
      .getByText(/skill vs seasonal naive/)
      .waitFor();

    // The baseline drawn is seasonal naive of this series: step k repeats the value 7 days earlier.
    const history = (
      await http(server.url, 'GET', '/api/v1/models/panel-model/champion/history?series_id=store-1042&last=7')
    ).body;
    await page.getByText('Forecast per step').click();
    const rows = page.getByTestId('panel-forecast-table').locator('tbody tr');
    expect(await rows.count()).toBe(21);
    for (const k of [0, 6, 7, 20]) {
      const cells = rows.nth(k).locator('td');
      const expected = history.values[k % 7] as number;
      expect(Number(await cells.nth(4).textContent())).toBeCloseTo(expected, 0);
      const [f, lo, hi] = await Promise.all([1, 2, 3].map(async (i) => Number(await cells.nth(i).textContent())));
      expect(lo).toBeLessThan(f);
      expect(hi).toBeGreaterThan(f);
    }
    await screenshot(page, 'panel-forecast');
    for (const theme of ['dark', 'light']) {
      await page.getByRole('button', { name: 'Toggle dark theme' }).click();
      await chart.locator('canvas').waitFor();
      await screenshot(page, `panel-forecast-${theme}`);
    }
    await page.getByLabel('Series', { exact: true }).fill('store-99999');
    await page.getByTestId('series-matches').getByText(`0 of ${STORES} match`).waitFor();
  });

  it('searches model families on the dataset from the training form, through to the finished job', async () => {
    const { page } = browser;
    await page.goto(url('/training?dataset=panel-sales'));
    const form = page.getByRole('form', { name: 'Search on a series dataset' });
    await form.getByLabel('Families').fill('seasonal_naive, theta');
    await form.getByLabel('Horizon').fill('7');
    await form.getByRole('button', { name: 'Submit search' }).click();
    await page.waitForURL(/\/training\/grid\/[^/]+$/);
    await expect
      .poll(() => page.getByTestId('job-state').textContent(), { timeout: 60_000, interval: 500 })
      .toBe('completed');
    await page.getByText(/Best run by val_owa/).waitFor();
    expect(await page.getByTestId('candidates').getByRole('row').count()).toBe(3); // header + 2 families
  }, 90_000);

  it('no console errors and no failed request along the way', () => {
    // Also GET /api/v1/auth/me: a server without authentication answers it (everyone may do everything).
    expect(failed).toEqual([]);
    expect(browser.errors).toEqual([]);
  });
});
