import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, browserSuiteHooks, ensureWebUiBuilt, hasChromium, openBrowser, screenshot } from './support/browser';
import { addTrace, postOtlp, traceInfo } from './support/otlp';
import { http, startServer, TestServer } from './support/server';
import { seedWebData, WebSeed } from './support/web-seed';

/** Light and dark screenshots of the current page (the theme button toggles and is stored). */
async function bothThemes(page: Page, name: string): Promise<void> {
  for (const theme of ['light', 'dark']) {
    await page.evaluate(`document.documentElement.dataset.theme = '${theme}'`);
    await screenshot(page, `${name}-${theme}`);
  }
  await page.evaluate(`document.documentElement.dataset.theme = 'light'`);
}

describe.skipIf(!hasChromium)('web UI: new views and fixes (chromium, sqlite)', () => {
  let server: TestServer;
  let browser: Browser;
  let seed: WebSeed;
  let traceId: string;
  let loggedModelId: string;
  let monitorId: string | undefined;
  const url = (p: string) => `${server.url}${p}`;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await http(server.url, method, path, body);
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body;
  };

  beforeAll(async () => {
    ensureWebUiBuilt();
    server = await startServer();
    seed = await seedWebData(server.url, 'views-e2e');
    // A metric named like a param (lr), with small values (learning-rate schedule).
    for (const id of seed.childIds)
      await api('POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: id,
        metrics: Array.from({ length: 40 }, (_, s) => ({
          key: 'lr',
          value: 0.0012 - s * 0.00001,
          timestamp: 1,
          step: s,
        })),
      });
    await api('PATCH', '/api/2.0/mlflow/registered-models/update', {
      name: seed.model,
      description: '# LSTM\n\nForecasts **next-day** returns. <script>window.hacked = 1</script>',
    });
    await api('POST', '/api/2.0/mlflow/registered-models/create', { name: 'no-champion-yet' });
    // A trace as an MLflow 3.6 client sends it: OTLP spans, then X1.
    const trace = addTrace();
    traceId = trace.traceId;
    const res = await postOtlp(server.url, seed.experimentId, trace.body);
    expect(res.status).toBe(200);
    await api('POST', '/api/3.0/mlflow/traces', { trace: { trace_info: traceInfo(traceId, seed.experimentId) } });
    // A logged model from a run, with a metric and a param.
    const lm = await api('POST', '/api/2.0/mlflow/logged-models', {
      experiment_id: seed.experimentId,
      name: 'ridge',
      source_run_id: seed.childIds[0],
      params: [{ key: 'alpha', value: '0.5' }],
    });
    loggedModelId = lm.model.info.model_id;
    await api('POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: seed.childIds[0],
      metrics: [{ key: 'rmse', value: 0.9, timestamp: 1, step: 0, model_id: loggedModelId }],
    });
    monitorId = await api('POST', '/api/v1/monitors', {
      name: 'msft-watch',
      model_name: seed.model,
      dataset: { ticker: 'MSFT', source: 'sample' },
      schedule: { cron: '30 18 * * 1-5', timezone: 'America/New_York' },
    })
      .then((b) => b.monitor?.monitor_id ?? b.monitor_id)
      .catch(() => undefined);
    if (monitorId) await http(server.url, 'POST', `/api/v1/monitors/${monitorId}/check`, {});
    browser = await openBrowser({ width: 1400, height: 1000 });
  }, 240_000);
  browserSuiteHooks(() => ({ browser, server }));

  it('run page opens with the metric charts in view, no click needed', async () => {
    const { page } = browser;
    await page.goto(url(`/experiments/${seed.experimentId}/runs/${seed.childIds[0]}`));
    await page.getByTestId('overview-charts').locator('canvas').first().waitFor();
    expect(await page.getByTestId('overview-charts').locator('.metric-card[data-metric="lr"]').count()).toBe(1);
    await screenshot(page, 'views-run-overview');
  });

  it('a param and a metric of the same name get distinguishable columns', async () => {
    const { page } = browser;
    await page.goto(url(`/experiments/${seed.experimentId}?flat=1&cols=params:lr,metrics:lr`));
    const table = page.getByTestId('runs-table');
    await table.getByText('lr (param)').waitFor();
    await table.getByText('lr (metric)').waitFor();
    await page.getByRole('button', { name: /^Columns/ }).click();
    const chooser = page.getByRole('dialog', { name: 'Choose columns' });
    await chooser.getByText('lr (metric)').waitFor();
    await chooser.getByText('lr (param)').waitFor();
  });

  it('compare fetches sampled histories in one binary call per metric and draws every chart', async () => {
    const { page } = browser;
    const calls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/history-sampled')) calls.push(r.url());
      if (r.url().includes('get-history-bulk-interval')) calls.push('bulk-interval');
    });
    await page.goto(url(`/compare?runs=${seed.childIds.join(',')}`));
    await expect
      .poll(() => page.locator('.compare .metric-card canvas').count(), { timeout: 30_000 })
      .toBeGreaterThan(1);
    expect(calls).not.toContain('bulk-interval');
    expect(calls.length).toBeGreaterThan(0);
    // One call per metric chart (not one per 100 runs and metric): once the charts whose data was
    // asked for are drawn (requests leave before their charts render), there are as many as calls.
    const cards = page.locator('.compare .metric-card');
    await expect.poll(() => cards.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(calls.length);
    expect(calls.length).toBeLessThanOrEqual(await cards.count());
  });

  it('model page: Markdown description (no raw HTML), forecast only with a champion, no duplicate promotion', async () => {
    const { page } = browser;
    await page.goto(url(`/models/${seed.model}`));
    const md = page.getByTestId('markdown').first();
    await md.locator('strong', { hasText: 'next-day' }).waitFor();
    expect(await md.locator('h1', { hasText: 'LSTM' }).count()).toBe(1);
    expect(await page.locator('[data-testid="markdown"] script').count()).toBe(0);
    expect(await page.evaluate('window.hacked')).toBeUndefined();
    await page.getByRole('link', { name: 'Forecast with the champion' }).waitFor();
    await bothThemes(page, 'views-model');
    await page.goto(url('/models/no-champion-yet'));
    await page.getByText('No champion.').waitFor();
    expect(await page.getByRole('link', { name: 'Forecast with the champion' }).count()).toBe(0);
    // Promoting the champion's own run again: the dialog says so and does not allow it.
    const champion = (await api('GET', `/api/v1/models/${seed.model}/champion`)).champion;
    await page.goto(url(`/experiments/${seed.experimentId}/runs/${champion.run_id}?tab=models`));
    await page.getByLabel('Registered model name').fill(seed.model);
    await page.getByRole('button', { name: 'Promote to champion…' }).click();
    await page.getByTestId('already-champion').waitFor();
    expect(await page.getByRole('dialog').getByRole('button', { name: 'Promote to champion' }).isDisabled()).toBe(true);
  });

  it('traces: list with filters, span tree with timeline, inputs and outputs, keyboard', async () => {
    const { page } = browser;
    await page.goto(url(`/traces?experiment=${seed.experimentId}`));
    const row = page.locator(`[data-trace-id="${traceId}"]`);
    await row.waitFor();
    await bothThemes(page, 'views-traces');
    await page.getByLabel('State').selectOption('ERROR');
    await page.getByText('No traces match.').waitFor();
    await page.getByLabel('State').selectOption('OK');
    await row.getByRole('link').click();
    const tree = page.getByTestId('span-tree');
    await tree.getByText('child').waitFor();
    const details = page.getByTestId('span-details');
    await details.getByText('"a": 2').waitFor();
    await tree.focus();
    await page.keyboard.press('ArrowDown');
    await details.getByRole('heading', { name: /child/ }).waitFor();
    await bothThemes(page, 'views-trace');
    await page.goto(url('/traces/tr-00000000000000000000000000000000'));
    await page.getByRole('alert').waitFor();
  });

  it('logged models: list per experiment, a page with metrics, params, linked runs', async () => {
    const { page } = browser;
    await page.goto(url(`/logged-models?experiment=${seed.experimentId}`));
    await page.locator(`[data-model-id="${loggedModelId}"]`).getByRole('link', { name: 'ridge' }).click();
    await page.getByRole('heading', { name: 'ridge' }).waitFor();
    await page.getByText('alpha').waitFor();
    await page.getByTestId('linked-runs').getByText(seed.childIds[0]).waitFor();
    await bothThemes(page, 'views-logged-model');
  });

  it('monitors and datasets: lists and pages, errors shown', async () => {
    const { page } = browser;
    await page.goto(url('/monitors'));
    if (monitorId) {
      await page.getByRole('link', { name: 'msft-watch' }).click();
      await page.getByTestId('checks').waitFor();
      await page.getByRole('button', { name: 'Check now' }).waitFor();
    } else await page.getByText('No monitors.').waitFor();
    await bothThemes(page, 'views-monitor');
    const csv =
      'Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,2,0.5,1.5,1.5,100\n2024-01-03,1.5,2,1,1.8,1.8,120\n';
    const up = await fetch(url('/api/v1/training/datasets/tiny-prices'), {
      method: 'PUT',
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(up.status).toBe(200);
    await page.goto(url('/datasets'));
    await page.getByRole('link', { name: 'tiny-prices' }).click();
    await page.getByTestId('dataset-summary').getByText('2024-01-03', { exact: true }).waitFor();
    await bothThemes(page, 'views-dataset');
    await page.goto(url('/monitors/no-such-monitor'));
    await page.getByRole('alert').waitFor();
  });
});

describe.skipIf(!hasChromium)('web UI with basic auth: sign-in form, actions per permission', () => {
  let server: TestServer;
  let browser: Browser;
  let seed: WebSeed;
  const ADMIN = { username: 'root', password: 'admin-secret-1' };
  const auth = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

  beforeAll(async () => {
    ensureWebUiBuilt();
    server = await startServer({
      env: {
        TSFLOW_APP_NAME: 'basic-auth',
        TSFLOW_ADMIN_USERNAME: ADMIN.username,
        TSFLOW_ADMIN_PASSWORD: ADMIN.password,
        TSFLOW_DEFAULT_PERMISSION: 'READ',
      },
    });
    // Seeded as the admin (the seed's own calls carry no credentials: send them through a proxy-less fetch wrapper).
    const admin = auth(ADMIN.username, ADMIN.password);
    const original = globalThis.fetch;
    globalThis.fetch = (input, init = {}) =>
      original(input, { ...init, headers: { ...(init.headers as Record<string, string>), ...admin } });
    try {
      seed = await seedWebData(server.url, 'auth-e2e');
      const res = await http(
        server.url,
        'POST',
        '/api/2.0/mlflow/users/create',
        { username: 'reader', password: 'reader-password' },
        admin,
      );
      expect(res.status).toBe(200);
    } finally {
      globalThis.fetch = original;
    }
    browser = await openBrowser({ width: 1400, height: 1000 });
  }, 240_000);
  browserSuiteHooks(() => ({ browser, server }));

  async function signIn(page: Page, username: string, password: string) {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('asks with a form (no browser prompt), refuses a wrong password, then a READ user sees no edit or promote actions', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/experiments`);
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    await bothThemes(page, 'views-sign-in');
    await signIn(page, 'reader', 'wrong-password');
    await page.getByText('Wrong username or password.').waitFor();
    await signIn(page, 'reader', 'reader-password');
    await page.getByRole('link', { name: 'auth-e2e', exact: true }).waitFor();
    await page.getByTestId('user').getByText('reader').waitFor();
    expect(await page.getByRole('button', { name: 'Rename' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await page.goto(`${server.url}/models/${seed.model}`);
    await page.getByTestId('versions').waitFor();
    expect(await page.getByRole('button', { name: 'Promote to champion' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Set alias' }).count()).toBe(0);
    await page.goto(`${server.url}/experiments/${seed.experimentId}/runs/${seed.childIds[0]}?tab=models`);
    await page.getByRole('heading', { name: 'Logged models' }).waitFor();
    expect(await page.getByRole('button', { name: 'Promote to champion…' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
  });

  it('an admin sees the edit and promote actions', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/models/${seed.model}`);
    await signIn(page, ADMIN.username, ADMIN.password);
    await page.getByTestId('user').getByText('root').waitFor();
    await page.getByRole('button', { name: 'Set alias' }).waitFor();
    // The versions load by their own request, after the model: wait for the rows, not only the toolbar.
    await page.getByTestId('versions').waitFor();
    await page.getByRole('button', { name: 'Promote to champion' }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Promote to champion' }).count()).toBeGreaterThan(0);
  });
});
