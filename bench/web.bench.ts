import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { hasChromium, openBrowser } from './lib/chromium';
import { printJsonLine, table, writeResults } from './lib/report';
import { repoRoot, startServerProcess } from './lib/server-process';

/**
 * Browser benchmark of the web UI (headless Debian chromium):
 *  - compare: N runs x M metrics x S steps logged through the MLflow REST API into a real
 *    server; time from each metric's bulk history arriving in the page to its chart drawn
 *    (performance marks set by the app, web/src/lib/perf.ts), at full resolution (points=S);
 *  - runs table: 100,000 runs served page by page (1,000 per page) by a route handler in the
 *    browser (the table's cost, not the store's), all pages loaded, then frame times while
 *    scrolling at ~20 rows per frame and while jumping to random positions.
 * Medians over repetitions; the load average is printed with the numbers.
 */
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    metrics: { type: 'string', default: '5' },
    steps: { type: 'string', default: '1000' },
    'table-runs': { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '5' },
    skip: { type: 'string', default: '' },
    /** Write chromium CPU profiles (first warm compare render; `<file>.table`: first table scroll) for DevTools. */
    profile: { type: 'string' },
  },
});
const N = Number(opts.runs);
const M = Number(opts.metrics);
const S = Number(opts.steps);
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

async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function call(base: string, p: string, body: unknown): Promise<any> {
  const res = await fetch(`${base}/api/2.0/mlflow/${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function seedCompare(base: string): Promise<string> {
  const { experiment_id } = await call(base, 'experiments/create', { name: `bench-compare-${Date.now()}` });
  const ids: string[] = [];
  await pool(
    Array.from({ length: N }, (_, i) => i),
    8,
    async (i) => {
      const run = await call(base, 'runs/create', { experiment_id, run_name: `run-${i}`, start_time: Date.now() });
      ids.push(run.run.info.run_id);
      await call(base, 'runs/log-batch', {
        run_id: run.run.info.run_id,
        params: [
          { key: 'units', value: String(8 << (i % 5)) },
          { key: 'lr', value: String(10 ** -(1 + (i % 4))) },
        ],
      });
    },
  );
  const batches: { runId: string; metric: number; from: number }[] = [];
  const per = Math.floor(1000 / 1);
  for (const runId of ids)
    for (let m = 0; m < M; m++) for (let from = 0; from < S; from += per) batches.push({ runId, metric: m, from });
  const t0 = Date.now();
  await pool(batches, 4, async ({ runId, metric, from }) => {
    const metrics = [];
    for (let s = from; s < Math.min(S, from + per); s++) {
      metrics.push({
        key: `metric_${metric}`,
        value: Math.exp(-s / 300) * (1 + metric) + Math.random() * 0.05,
        timestamp: t0 + s * 100,
        step: s,
      });
    }
    await call(base, 'runs/log-batch', { run_id: runId, metrics });
  });
  return experiment_id;
}

const DRAWN_ALL = `((m) => new Set(performance.getEntriesByType('mark').filter((e) => e.name.startsWith('compare:drawn:')).map((e) => e.name)).size >= m)`;
const MARKS = `performance.getEntriesByType('mark').map((e) => ({ name: e.name, t: e.startTime }))`;

async function waitAllDrawn(page: Page): Promise<{ name: string; t: number }[]> {
  await page.waitForFunction(`${DRAWN_ALL}(${M})`, undefined, { timeout: 900_000, polling: 100 });
  return page.evaluate(MARKS) as Promise<{ name: string; t: number }[]>;
}

/**
 * Cold: navigation, bulk fetch and render. Warm (the render alone, what "after the data
 * arrives" means): leave the page inside the app and come back (history.back); the histories
 * are in the query cache, so the charts mount with their data at once.
 */
async function measureCompare(page: Page, base: string, experimentId: string) {
  const started = Date.now();
  await page.goto(`${base}/compare?experiment=${experimentId}&limit=${N}&points=${S}`);
  const marks = await waitAllDrawn(page);
  const data = new Map<string, number>();
  const drawn = new Map<string, number>();
  for (const mk of marks) {
    const [, phase, metric] = mk.name.split(':');
    if (phase === 'data' && !data.has(metric)) data.set(metric, mk.t);
    if (phase === 'drawn' && data.has(metric) && !drawn.has(metric)) drawn.set(metric, mk.t);
  }
  const cold = {
    fetchAndRenderMs: Date.now() - started,
    lastDataToAllDrawnMs: r1(Math.max(...drawn.values()) - Math.max(...data.values())),
  };
  console.error(
    `compare cold: fetch + render ${cold.fetchAndRenderMs} ms, last data -> all drawn ${cold.lastDataToAllDrawnMs} ms`,
  );
  const warm: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    // In-app navigation (same document, query cache kept): to Experiments by the top bar, then back.
    await page.getByRole('navigation').getByRole('link', { name: 'Experiments' }).click();
    await page.waitForURL(/\/experiments$/);
    await page.waitForTimeout(500);
    const cdp = opts.profile && i === 0 ? await page.context().newCDPSession(page) : undefined;
    if (cdp) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
    const t = (await page.evaluate('performance.clearMarks(); performance.now()')) as number;
    await page.evaluate('history.back()');
    const after = await waitAllDrawn(page);
    if (cdp) fs.writeFileSync(opts.profile!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const ms = Math.max(...after.filter((m) => m.name.startsWith('compare:drawn:')).map((m) => m.t)) - t;
    warm.push(ms);
    console.error(`compare warm #${i + 1}: mount -> ${M} charts drawn ${r1(ms)} ms (load ${load().join(' ')})`);
  }
  return {
    runs: N,
    metrics: M,
    steps: S,
    canvases: await page.locator('.compare canvas').count(),
    cold,
    medianWarmRenderMs: r1(median(warm)),
    warmRenderMs: warm.map(r1),
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
  const server = await startServerProcess({
    args: ['server', '--backend-store-uri', `sqlite:///${path.join(tmp, 'bench.db')}`],
    env: { MLFLOW_ARTIFACTS_DESTINATION: path.join(tmp, 'artifacts') },
  });
  const browser = await openBrowser({ width: 1440, height: 1300 });
  const loadBefore = load();
  try {
    const result: Record<string, unknown> = { bench: 'web', cpus: os.cpus().length, loadBefore };
    if (!opts.skip.includes('compare')) {
      const t = Date.now();
      const experimentId = await seedCompare(server.url);
      console.error(
        `seeded ${N} runs x ${M} metrics x ${S} steps over REST in ${((Date.now() - t) / 1000).toFixed(1)} s (load ${load().join(' ')})`,
      );
      result.loadAtCompare = load();
      result.compare = await measureCompare(browser.page, server.url, experimentId);
    }
    if (!opts.skip.includes('table')) {
      result.loadAtTable = load();
      result.table = await measureTable(browser.page, server.url);
    }
    result.loadAfter = load();
    const c = result.compare as Awaited<ReturnType<typeof measureCompare>> | undefined;
    const tb = result.table as Awaited<ReturnType<typeof measureTable>> | undefined;
    console.log(
      table(
        ['measure', 'median / p50', 'p95', 'max'],
        [
          ...(c
            ? [
                [
                  `compare ${N}x${M}x${S}: data in cache -> all charts drawn (ms)`,
                  c.medianWarmRenderMs,
                  undefined,
                  Math.max(...c.warmRenderMs),
                ],
                [
                  'compare cold: last data arrived -> all charts drawn (ms)',
                  c.cold.lastDataToAllDrawnMs,
                  undefined,
                  undefined,
                ],
                ['compare cold: navigation -> all charts drawn (ms)', c.cold.fetchAndRenderMs, undefined, undefined],
              ]
            : []),
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
