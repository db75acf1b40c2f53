import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, browserSuiteHooks, ensureWebUiBuilt, hasChromium, openBrowser, screenshot } from './support/browser';
import { http, startServer, TestServer } from './support/server';
import { seedWebData, WebSeed } from './support/web-seed';

if (!hasChromium) console.warn('web-ui.e2e: skipped, no chromium at /usr/bin/chromium (apt-get install -y chromium)');

describe.skipIf(!hasChromium)('web UI in a real browser (chromium, sqlite)', () => {
  let server: TestServer;
  let browser: Browser;
  let seed: WebSeed;
  const url = (p: string) => `${server.url}${p}`;

  beforeAll(async () => {
    ensureWebUiBuilt();
    server = await startServer();
    seed = await seedWebData(server.url);
    browser = await openBrowser();
  }, 180_000);
  browserSuiteHooks(() => ({ browser, server }));

  it('serves the SPA for client routes only: API paths keep their JSON 404', async () => {
    for (const p of ['/', '/experiments', `/experiments/${seed.experimentId}/runs/x`, '/compare?runs=a', '/models/x']) {
      const res = await http(server.url, 'GET', p);
      expect(res.status, p).toBe(200);
      expect(res.text).toContain('<div id="root">');
    }
    for (const p of ['/api/2.0/mlflow/nope', '/ajax-api/2.0/mlflow/nope', '/assets/../package.json', '/experimentsx']) {
      const res = await http(server.url, 'GET', p);
      expect(res.status, p).toBe(404);
      expect(res.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    }
    expect((await http(server.url, 'GET', '/health')).status).toBe(200);
  });

  it('experiments: list, search, create, rename, delete and restore', async () => {
    const { page } = browser;
    await page.goto(url('/'));
    await page.waitForURL(/\/experiments$/);
    await page.getByRole('link', { name: 'web-e2e', exact: true }).waitFor();
    await screenshot(page, '01-experiments');
    await page.getByLabel('New experiment name').fill('made-in-ui');
    await page.getByRole('button', { name: 'Create' }).click();
    const row = page.getByRole('row', { name: /made-in-ui/ });
    await row.waitFor();
    page.once('dialog', (d) => void d.accept('renamed-in-ui'));
    await row.getByRole('button', { name: 'Rename' }).click();
    const renamed = page.getByRole('row', { name: /renamed-in-ui/ });
    await renamed.waitFor();
    await page.getByLabel('Search experiments').fill('renamed');
    await expect.poll(() => page.getByRole('link', { name: 'web-e2e', exact: true }).count()).toBe(0);
    page.once('dialog', (d) => void d.accept());
    await renamed.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No experiments.').waitFor();
    await page.getByLabel('Lifecycle').selectOption('DELETED_ONLY');
    await page
      .getByRole('row', { name: /renamed-in-ui/ })
      .getByRole('button', { name: 'Restore' })
      .click();
    await page.getByText('No experiments.').waitFor();
    // back: the lifecycle choice is part of the URL, the search box keeps its text
    await page.goBack();
    await expect.poll(() => page.getByLabel('Lifecycle').inputValue()).toBe('ACTIVE_ONLY');
    expect(await page.getByLabel('Search experiments').inputValue()).toBe('renamed');
  });

  it('runs: nested runs under their parent, filter grammar, sort, keyboard to the run page', async () => {
    const { page } = browser;
    await page.goto(url(`/experiments/${seed.experimentId}`));
    const table = page.getByTestId('runs-table');
    await table.getByRole('row', { name: /grid-parent/ }).waitFor();
    expect(await table.getByText('candidate-0').count()).toBe(0);
    await table
      .getByRole('row', { name: /grid-parent/ })
      .getByRole('button', { name: 'Expand' })
      .click();
    await table.getByText('candidate-0').waitFor();
    await screenshot(page, '02-runs');
    await page.getByLabel('Filter runs').fill('metrics.test_mae < 1.5 and params.units = "32"');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('run-count').textContent()).toBe('1 runs');
    await table.getByText('candidate-1').waitFor();
    await page.getByLabel('Filter runs').fill('metrics.test_mae <');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('alert').filter({ hasText: 'INVALID_PARAMETER_VALUE' }).waitFor();
    await page.getByLabel('Filter runs').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    // The checkbox follows the URL: let the search's navigation land before changing it.
    await expect.poll(() => new URL(page.url()).searchParams.get('filter') ?? '').toBe('');
    await page.getByTestId('run-count').waitFor();
    // The checkbox shows the URL, which React Router updates in a transition: under load the
    // box stays checked until the navigation commits, so click and wait for the URL instead of
    // Playwright's uncheck(), which fails when the state has not flipped right after the click.
    await page.getByLabel('Group nested runs').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('flat')).toBe('1');
    await expect.poll(() => page.getByLabel('Group nested runs').isChecked()).toBe(false);
    await expect.poll(() => page.getByTestId('run-count').textContent()).toBe('6 runs');
    await table.getByRole('button', { name: /^test_mae/ }).click();
    await table.getByRole('button', { name: /^test_mae/ }).click();
    await expect.poll(() => page.url()).toContain('order=metrics.test_mae+DESC');
    const names = await table.locator('[data-run-id] .run-name a').allTextContents();
    expect(names[0]).toBe('solo-1');
    await table.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/runs\/[0-9a-f]{32}/);
    await page.getByRole('heading', { name: 'solo-0' }).waitFor();
  });

  it('run page: params, metric chart with log scale and time axis, inputs, artifact previews, registrations', async () => {
    const { page } = browser;
    const runId = seed.childIds[0];
    await page.goto(url(`/experiments/${seed.experimentId}/runs/${runId}`));
    await page.getByRole('heading', { name: 'candidate-0' }).waitFor();
    await page
      .getByRole('cell', { name: 'units' })
      .or(page.getByRole('rowheader', { name: 'units' }))
      .first()
      .waitFor();
    await page.getByRole('tab', { name: 'charts' }).click();
    await page.locator('[data-metric="loss"] canvas').waitFor();
    await page.getByLabel('Log scale').check();
    await page.getByLabel('X axis').selectOption('time');
    await page.locator('[data-metric="loss"] canvas').waitFor();
    await screenshot(page, '03-run-charts');
    await page.getByRole('tab', { name: 'inputs' }).click();
    await page.getByText('MSFT-daily').waitFor();
    await page.getByRole('tab', { name: 'artifacts' }).click();
    await page.getByRole('button', { name: /plots\// }).click();
    await page.getByRole('button', { name: /forecast\.svg/ }).click();
    const img = page.getByTestId('artifact-preview').locator('img');
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(120);
    await screenshot(page, '04-run-artifacts');
    await page.getByRole('button', { name: /loss\.png/ }).click();
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(2);
    await page.getByRole('button', { name: /notes\.txt/ }).click();
    await page.getByTestId('artifact-preview').getByText('second line').waitFor();
    await page.getByRole('button', { name: /metrics\.json/ }).click();
    await page.getByTestId('artifact-preview').getByText('"window": 20').waitFor();
    await page.getByRole('button', { name: /predictions\.csv/ }).click();
    await page.getByTestId('artifact-preview').getByRole('cell', { name: '102,0' }).waitFor();
    await page.getByRole('tab', { name: 'models' }).click();
    await page.getByRole('link', { name: `${seed.model} v1` }).waitFor();
  });

  it('compare: overlaid histories sampled in one binary call per metric, diff table with the best run, parallel coordinates', async () => {
    const { page } = browser;
    await page.goto(url(`/experiments/${seed.experimentId}?flat=1`));
    const table = page.getByTestId('runs-table');
    for (const name of ['candidate-0', 'candidate-1', 'candidate-2']) {
      await table.getByRole('checkbox', { name: `Select ${name}` }).check();
    }
    const historyRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/metrics/')) historyRequests.push(`${r.url()} ${r.postData() ?? ''}`);
    });
    await page.getByRole('button', { name: 'Compare 3' }).click();
    await page.waitForURL(/\/compare\?.*runs=/);
    await page.locator('[data-metric="loss"] canvas').first().waitFor();
    await page.mouse.wheel(0, 3000); // the diff table and the ECharts views mount when scrolled to
    const diff = page.getByTestId('diff-table');
    await diff
      .getByRole('row', { name: /candidate-1/ })
      .getByText('★')
      .first()
      .waitFor();
    await screenshot(page, '05-compare');
    // one sampled request per metric for the three runs, never one per run (nor MLflow's JSON bulk)
    const lossRequests = historyRequests.filter((u) => u.includes('"metric_keys":["loss"]'));
    expect(lossRequests).toHaveLength(1);
    expect(lossRequests[0]).toContain('/api/v1/metrics/history-sampled');
    expect(historyRequests.filter((u) => u.includes('get-history-bulk-interval'))).toEqual([]);
    expect(await page.locator('.compare canvas').count()).toBeGreaterThan(2);
  });

  it('models: champion highlighted, promotion shows scores against champion and persistence', async () => {
    const { page } = browser;
    await page.goto(url('/models'));
    await page.getByRole('link', { name: seed.model }).click();
    await expect.poll(() => page.getByTestId('champion').textContent()).toBe('champion: v1');
    await page.locator('[data-version="2"]').getByRole('button', { name: 'Promote to champion' }).click();
    const dialog = page.getByRole('dialog', { name: 'Promote to champion' });
    const scores = dialog.getByTestId('promotion-scores');
    await scores.getByRole('row', { name: /test_mae/ }).waitFor();
    expect(await scores.getByRole('row', { name: /test_mae/ }).textContent()).toMatch(/1\.1.*1\.3.*1\.4/);
    await screenshot(page, '06-promote');
    await dialog.getByRole('button', { name: 'Promote to champion' }).click();
    await expect.poll(() => page.getByTestId('champion').textContent()).toBe('champion: v2');
    // Serving says whether it can answer for this champion (the seeded versions hold no model files).
    await expect
      .poll(() => page.getByTestId('champion-serving').textContent())
      .toMatch(/^(served by (tsflow|onnx)|not servable: .+)$/);
    await screenshot(page, '07-model');
    const alias = await http(
      server.url,
      'GET',
      `/api/2.0/mlflow/registered-models/alias?name=${seed.model}&alias=champion`,
    );
    expect(alias.body.model_version.version).toBe('2');
  });

  it('training: form from the params vocabulary, ranges checked before submit, live grid progress, champion forecast', async () => {
    const { page } = browser;
    await page.goto(url('/training'));
    const form = page.getByRole('form', { name: 'Submit training' });
    await form.getByLabel('Experiment').fill('ui-grid');
    await form.getByLabel('seq_length').fill('5, 10');
    await form.getByLabel('units').fill('0, 4');
    await page.getByTestId('form-errors').getByText('units: 0 must be ≥ 1').waitFor();
    expect(await form.getByRole('button', { name: 'Submit grid search' }).isDisabled()).toBe(true);
    await form.getByLabel('units').fill('4');
    await form.getByLabel('epochs').fill('2');
    await form.getByLabel('dropout').fill('0');
    await form.getByLabel('Promote into model (optional)').fill('ui-model');
    await form.getByLabel('Promotion policy').selectOption('always');
    await screenshot(page, '09-training-form');
    await form.getByRole('button', { name: 'Submit grid search' }).click();
    await page.waitForURL(/\/training\/grid\/[^/]+$/);
    await expect
      .poll(() => page.getByTestId('job-state').textContent(), { timeout: 150_000, interval: 500 })
      .toBe('completed');
    await page.getByTestId('candidates').getByRole('link').first().waitFor();
    expect(await page.getByTestId('candidates').getByRole('row').count()).toBe(3);
    await screenshot(page, '10-grid-done');

    await page.goto(url('/forecasts/ui-model?start=2021-11-01&end=2021-12-31'));
    await page.getByRole('button', { name: 'Forecast' }).click();
    await page.getByTestId('forecast-chart').locator('canvas').waitFor({ timeout: 60_000 });
    await page
      .getByTestId('forecast-skill')
      .getByText(/^persistence MAE/)
      .waitFor();
    // The champion (a return model) answers intervals: the band is drawn and its coverage shown.
    await page
      .getByTestId('forecast-skill')
      .getByText(/^interval coverage \d+%/)
      .waitFor();
    await screenshot(page, '11-forecast');
  }, 240_000);

  it('training: a long grid is cancelled from its page', async () => {
    const { page } = browser;
    await page.goto(url('/training'));
    const form = page.getByRole('form', { name: 'Submit training' });
    await form.getByLabel('Experiment').fill('ui-grid-cancel');
    await form.getByLabel('Start date').fill('2016-01-01');
    await form.getByLabel('seq_length').fill('5, 10');
    await form.getByLabel('units').fill('8');
    await form.getByLabel('epochs').fill('400');
    await form.getByLabel('patience').fill('1000');
    await form.getByRole('button', { name: 'Submit grid search' }).click();
    await page.waitForURL(/\/training\/grid\/[^/]+$/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect
      .poll(() => page.getByTestId('job-state').textContent(), { timeout: 90_000, interval: 500 })
      .toBe('cancelled');
    await screenshot(page, '12-grid-cancelled');
  }, 150_000);

  it('API errors are shown as messages, never a blank page', async () => {
    const { page } = browser;
    await page.goto(url('/experiments/987654321'));
    await page.getByRole('alert').filter({ hasText: 'RESOURCE_DOES_NOT_EXIST' }).first().waitFor();
    await page.goto(url('/models/no-such-model'));
    await page.getByRole('alert').filter({ hasText: 'RESOURCE_DOES_NOT_EXIST' }).first().waitFor();
    await page.getByRole('button', { name: 'Toggle dark theme' }).click();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await screenshot(page, '08-error-dark');
    const unexpected = browser.errors.filter((e) => !/Failed to load resource/.test(e));
    expect(unexpected).toEqual([]);
  });
});
