import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { buildSummary, encodeSummary } from '../src/experiments/history/summary';
import { api, pool } from './lib/api';
import { hasChromium, openBrowser } from './lib/chromium';
import { printJsonLine, table, writeResults } from './lib/report';
import { repoRoot, startServerProcess } from './lib/server-process';

/**
 * Browser benchmark of the web UI (headless Debian chromium):
 *  - compare, end to end: for each scenario RUNSxMETRICSxSTEPS (default 300x8x500 and
 *    1000x5x1000), an experiment seeded in bulk (runs over REST, metric points written straight
 *    into the server's sqlite file: logging millions of points over HTTP would take minutes);
 *    then in the page: the experiment's table, Select all, and the time from the click on
 *    Compare to every chart drawn (the app's performance marks, web/src/lib/perf.ts), data
 *    transfer included, with the bytes transferred (resource timing) and the long tasks;
 *  - runs table: 100,000 runs served page by page (1,000 per page) by a route handler in the
 *    browser (the table's cost, not the store's), all pages loaded, then frame times while
 *    scrolling at ~20 rows per frame and while jumping to random positions.
 * Medians over repetitions; the load average is printed with the numbers.
 */
const { values: opts } = parseArgs({
  options: {
    compare: { type: 'string', default: '300x8x500,1000x5x1000' },
    'table-runs': { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '3' },
    skip: { type: 'string', default: '' },
    /** Write chromium CPU profiles (first compare; `<file>.table`: first table scroll) for DevTools. */
    profile: { type: 'string' },
    /** Seed no chart summaries (as for histories written before migration 031): the first compare builds them. */
    cold: { type: 'boolean', default: false },
  },
});
const SCENARIOS = opts.compare
  .split(',')
  .filter(Boolean)
  .map((s) => s.split('x').map(Number) as [number, number, number]);
const TABLE_RUNS = Number(opts['table-runs']);
const REPEAT = Number(opts.repeat);
const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Runs (with params) over REST; N x M x S metric points and their latest values in bulk into the sqlite file. */
async function seedCompare(base: string, dbFile: string, [N, M, S]: [number, number, number]): Promise<string> {
  const { experiment_id } = await api(base, 'experiments/create', {
    name: `bench-compare-${N}x${M}x${S}-${Date.now()}`,
  });
  const ids: string[] = [];
  await pool(N, 8, async (i) => {
    const run = await api(base, 'runs/create', { experiment_id, run_name: `run-${i}`, start_time: Date.now() });
    ids.push(run.run.info.run_id);
    await api(base, 'runs/log-batch', {
      run_id: run.run.info.run_id,
      params: [
        { key: 'units', value: String(8 << (i % 5)) },
        { key: 'lr', value: String(10 ** -(1 + (i % 4))) },
      ],
    });
  });
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 60000');
  const point = db.prepare(
    'INSERT INTO metrics (run_uuid, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, 0, ?, ?)',
  );
  const latest = db.prepare(
    'INSERT INTO latest_metrics (run_uuid, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, 0, ?, ?)',
  );
  // What log-batch keeps beside the points (metric-summaries.sql.ts), unless measuring the cold path.
  const summary = db.prepare(
    'INSERT INTO metric_summaries (run_uuid, key, upto_step, upto_ts, data) VALUES (?, ?, ?, ?, ?)',
  );
  const t0 = Date.now();
  for (const runId of ids) {
    db.transaction(() => {
      for (let m = 0; m < M; m++) {
        let value = 0;
        const cols = { steps: new Float64Array(S), timestamps: new Float64Array(S), values: new Float64Array(S) };
        for (let s = 0; s < S; s++) {
          value = Math.exp(-s / 300) * (1 + m) + Math.random() * 0.05;
          point.run(runId, `metric_${m}`, value, t0 + s * 100, s);
          [cols.steps[s], cols.timestamps[s], cols.values[s]] = [s, t0 + s * 100, value];
        }
        latest.run(runId, `metric_${m}`, value, t0 + (S - 1) * 100, S - 1);
        if (!opts.cold)
          summary.run(runId, `metric_${m}`, S - 1, t0 + (S - 1) * 100, Buffer.from(encodeSummary(buildSummary(cols))));
      }
    })();
  }
  db.close();
  return experiment_id;
}

const DRAWN_ALL = `((m) => new Set(performance.getEntriesByType('mark').filter((e) => e.name.startsWith('compare:drawn:')).map((e) => e.name)).size >= m)`;
const MARKS = `performance.getEntriesByType('mark').map((e) => ({ name: e.name, t: e.startTime }))`;
/** Long tasks since the page loaded (an observer installed before any script: addInitScript). */
const LONG_TASKS = `(() => { window.__longTasks = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push({ t: e.startTime, ms: e.duration }); }).observe({ type: 'longtask', buffered: true }); })()`;
const RESOURCES = `performance.getEntriesByType('resource').map((e) => ({ url: e.name, t: e.startTime, end: e.responseEnd, bytes: e.encodedBodySize }))`;

interface Resource {
  url: string;
  t: number;
  end: number;
  bytes: number;
}

/** Table of the experiment, Select all, click Compare; until every chart is drawn. */
async function clickToCharts(page: Page, base: string, experimentId: string, [N, M]: number[]) {
  await page.goto(`${base}/experiments/${experimentId}`);
  await page
    .getByTestId('run-count')
    .filter({ hasText: `${N} runs` })
    .waitFor({ timeout: 300_000 });
  await page.getByRole('button', { name: 'Select all' }).click();
  await page.waitForTimeout(300);
  const cdp = opts.profile ? await page.context().newCDPSession(page) : undefined;
  if (cdp) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
  const clicked = (await page.evaluate('performance.clearMarks(); performance.now()')) as number;
  await page.getByRole('button', { name: /^Compare \d+/ }).click();
  await page.waitForFunction(`${DRAWN_ALL}(${M})`, undefined, { timeout: 900_000, polling: 50 });
  if (cdp) fs.writeFileSync(opts.profile!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
  const marks = (await page.evaluate(MARKS)) as { name: string; t: number }[];
  const drawn = marks.filter((m) => m.name.startsWith('compare:drawn:')).map((m) => m.t);
  const data = marks.filter((m) => m.name.startsWith('compare:data:')).map((m) => m.t);
  const resources = ((await page.evaluate(RESOURCES)) as Resource[]).filter((r) => r.t >= clicked);
  const sampled = resources.filter((r) => r.url.includes('/history-sampled'));
  const longTasks = ((await page.evaluate('window.__longTasks')) as { t: number; ms: number }[]).filter(
    (l) => l.t >= clicked,
  );
  return {
    clickToAllDrawnMs: r1(Math.max(...drawn) - clicked),
    clickToFirstDrawnMs: r1(Math.min(...drawn) - clicked),
    clickToLastDataMs: r1(Math.max(...data) - clicked),
    requests: resources.length,
    historyRequests: sampled.length,
    historyBytes: sampled.reduce((n, r) => n + r.bytes, 0),
    bytes: resources.reduce((n, r) => n + r.bytes, 0),
    longTasks: longTasks.length,
    longestTaskMs: r1(Math.max(0, ...longTasks.map((l) => l.ms))),
    canvases: await page.locator('.compare canvas').count(),
  };
}

async function measureCompare(page: Page, base: string, dbFile: string, scenario: [number, number, number]) {
  const [N, M, S] = scenario;
  const t = Date.now();
  const experimentId = await seedCompare(base, dbFile, scenario);
  console.error(`seeded ${N}x${M}x${S} in ${((Date.now() - t) / 1000).toFixed(1)} s (load ${load().join(' ')})`);
  const runs = [];
  for (let i = 0; i < REPEAT; i++) {
    const r = { ...(await clickToCharts(page, base, experimentId, scenario)), load: load() };
    console.error(`compare ${N}x${M}x${S} #${i + 1}: ${JSON.stringify(r)}`);
    runs.push(r);
  }
  return {
    runs: N,
    metrics: M,
    steps: S,
    medianClickToAllDrawnMs: r1(median(runs.map((r) => r.clickToAllDrawnMs))),
    medianClickToFirstDrawnMs: r1(median(runs.map((r) => r.clickToFirstDrawnMs))),
    historyBytes: runs[0].historyBytes,
    bytes: runs[0].bytes,
    requests: runs[0].requests,
    historyRequests: runs[0].historyRequests,
    maxLongTaskMs: Math.max(...runs.map((r) => r.longestTaskMs)),
    repetitions: runs,
  };
}

/** Synthetic MLflow runs/search pages: what the table sees from a 100,000-run experiment. */
function syntheticPage(offset: number, size: number) {
  const runs = [];
  for (let i = offset; i < Math.min(TABLE_RUNS, offset + size); i++) {
    const id = i.toString(16).padStart(32, '0');
    runs.push({
      info: {
        run_id: id,
        run_name: `run-${i}`,
        experiment_id: '1',
        status: i % 17 ? 'FINISHED' : 'FAILED',
        start_time: 1_700_000_000_000 + i * 1000,
        end_time: 1_700_000_060_000 + i * 1000,
        lifecycle_stage: 'active',
        user_id: 'bench',
      },
      data: {
        metrics: Array.from({ length: 5 }, (_, m) => ({
          key: `metric_${m}`,
          value: Math.sin(i + m),
          timestamp: 0,
          step: 0,
        })),
        params: Array.from({ length: 5 }, (_, p) => ({ key: `param_${p}`, value: String((i * (p + 3)) % 97) })),
        tags: [{ key: 'mlflow.runName', value: `run-${i}` }],
      },
    });
  }
  const next = offset + size < TABLE_RUNS ? String(offset + size) : undefined;
  return { runs, next_page_token: next };
}

/**
 * Runs in the page (a string: the bench compiles without DOM types): moves the table each
 * animation frame and records the time between frames. `scroll` = +600 px per frame (about 20
 * rows), `jump` = a random position, `end` = the bottom (makes the table fetch the next page).
 */
const FRAME_LOOP = `(({ mode, frames }) => new Promise((resolve) => {
  const el = document.querySelector('[data-testid="runs-table"]');
  const out = [];
  let last = performance.now();
  let n = 0;
  const tick = () => {
    const now = performance.now();
    if (n > 0) out.push(now - last);
    last = now;
    if (n++ >= frames) return resolve(out);
    if (mode === 'idle') {}
    else if (mode === 'scroll') el.scrollTop += 600;
    else if (mode === 'jump') el.scrollTop = Math.random() * (el.scrollHeight - el.clientHeight);
    else el.scrollTop = el.scrollHeight;
    requestAnimationFrame(tick);
  };
  if (mode === 'scroll' || mode === 'jump') el.scrollTop = 0;
  requestAnimationFrame(tick);
}))`;

function frameTimes(page: Page, mode: 'idle' | 'scroll' | 'jump' | 'end', frames: number): Promise<number[]> {
  return page.evaluate(`${FRAME_LOOP}(${JSON.stringify({ mode, frames })})`) as Promise<number[]>;
}

async function measureTable(page: Page, base: string) {
  await page.route('**/ajax-api/2.0/mlflow/runs/search', async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}');
    const offset = Number(body.page_token ?? 0);
    await route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify(syntheticPage(offset, body.max_results ?? 1000)),
    });
  });
  await page.route('**/ajax-api/2.0/mlflow/experiments/get?*', (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({ experiment: { experiment_id: '1', name: 'bench-100k', lifecycle_stage: 'active' } }),
    }),
  );
  const t0 = Date.now();
  await page.goto(`${base}/experiments/1?flat=1`);
  const table = page.getByTestId('runs-table');
  await table.locator('[data-run-id]').first().waitFor();
  // Scroll to the end until every page is in (the table fetches the next page near its end).
  const appendFrames: number[] = [];
  for (;;) {
    const count = await page.getByTestId('run-count').textContent();
    if (count === `${TABLE_RUNS} runs`) break;
    appendFrames.push(...(await frameTimes(page, 'end', 10)));
  }
  const loadedMs = Date.now() - t0;
  const scroll: number[] = [];
  const jump: number[] = [];
  const idle: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    // Frames with nothing to do, measured between the others: the floor this machine's load allows.
    idle.push(...(await frameTimes(page, 'idle', 100)));
    const cdp = opts.profile && i === 0 ? await page.context().newCDPSession(page) : undefined;
    if (cdp) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
    scroll.push(...(await frameTimes(page, 'scroll', 300)));
    if (cdp) fs.writeFileSync(`${opts.profile}.table`, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    jump.push(...(await frameTimes(page, 'jump', 100)));
  }
  const domRows = await table.locator('[data-run-id]').count();
  await page.unrouteAll();
  const stats = (xs: number[]) => ({
    p50: r1(median(xs)),
    p95: r1(pct(xs, 95)),
    max: r1(Math.max(...xs)),
    frames: xs.length,
  });
  return {
    runs: TABLE_RUNS,
    allPagesLoadedMs: loadedMs,
    domRowsMounted: domRows,
    frameMsIdleBaseline: stats(idle),
    frameMsWhilePagesAppend: stats(appendFrames),
    frameMsScroll20RowsPerFrame: stats(scroll),
    frameMsRandomJumps: stats(jump),
  };
}

async function main() {
  if (!hasChromium) throw new Error('no chromium at /usr/bin/chromium: apt-get install -y chromium');
  if (!fs.existsSync(path.join(repoRoot(), 'dist/web-ui/index.html'))) throw new Error('run npm run build first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-web-bench-'));
  const dbFile = path.join(tmp, 'bench.db');
  const server = await startServerProcess({
    args: ['server', '--backend-store-uri', `sqlite:///${dbFile}`],
    env: { MLFLOW_ARTIFACTS_DESTINATION: path.join(tmp, 'artifacts') },
  });
  const browser = await openBrowser({ width: 1440, height: 1300 });
  const loadBefore = load();
  try {
    const result: Record<string, unknown> = { bench: 'web', cpus: os.cpus().length, loadBefore };
    const compare: Awaited<ReturnType<typeof measureCompare>>[] = [];
    if (!opts.skip.includes('compare')) {
      await browser.page.addInitScript(LONG_TASKS);
      for (const scenario of SCENARIOS) {
        result[`loadAtCompare${scenario.join('x')}`] = load();
        compare.push(await measureCompare(browser.page, server.url, dbFile, scenario));
      }
      result.compare = compare;
    }
    if (!opts.skip.includes('table')) {
      result.loadAtTable = load();
      result.table = await measureTable(browser.page, server.url);
    }
    result.loadAfter = load();
    const tb = result.table as Awaited<ReturnType<typeof measureTable>> | undefined;
    console.log(
      table(
        ['measure', 'median / p50', 'p95', 'max'],
        [
          ...compare.flatMap((c) => [
            [
              `compare ${c.runs}x${c.metrics}x${c.steps}: click -> all charts drawn, data included (ms)`,
              c.medianClickToAllDrawnMs,
              undefined,
              Math.max(...c.repetitions.map((r) => r.clickToAllDrawnMs)),
            ],
            [`  first chart drawn (ms)`, c.medianClickToFirstDrawnMs, undefined, undefined],
            [`  longest long task (ms)`, undefined, undefined, c.maxLongTaskMs],
            [
              `  history: ${c.historyRequests} requests, ${(c.historyBytes / 1e6).toFixed(2)} MB; all: ${c.requests} requests, ${(c.bytes / 1e6).toFixed(2)} MB`,
              undefined,
              undefined,
              undefined,
            ],
          ]),
          ...(tb
            ? [
                [
                  'table: idle frame, same page, nothing moving (ms)',
                  tb.frameMsIdleBaseline.p50,
                  tb.frameMsIdleBaseline.p95,
                  tb.frameMsIdleBaseline.max,
                ],
                [
                  `table ${TABLE_RUNS}: frame while pages append (ms)`,
                  tb.frameMsWhilePagesAppend.p50,
                  tb.frameMsWhilePagesAppend.p95,
                  tb.frameMsWhilePagesAppend.max,
                ],
                [
                  'table: frame, scrolling 20 rows/frame (ms)',
                  tb.frameMsScroll20RowsPerFrame.p50,
                  tb.frameMsScroll20RowsPerFrame.p95,
                  tb.frameMsScroll20RowsPerFrame.max,
                ],
                [
                  'table: frame, random jumps (ms)',
                  tb.frameMsRandomJumps.p50,
                  tb.frameMsRandomJumps.p95,
                  tb.frameMsRandomJumps.max,
                ],
              ]
            : []),
        ],
      ),
    );
    console.log(`load average: before ${loadBefore.join(' ')}, after ${load().join(' ')} (${os.cpus().length} cpus)`);
    if (browser.errors.length) console.log(`browser errors: ${browser.errors.slice(0, 5).join(' | ')}`);
    printJsonLine(result);
    writeResults(path.join(repoRoot(), 'bench', 'results'), 'web', result);
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
