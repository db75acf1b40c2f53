import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { OriginScore, panelScore, PanelScore, scoreOrigin } from '../src/training/core/evaluation/panel-scores';
import { naive2Forecast } from '../src/training/core/models/naive2';
import { seasonalRandomWalk } from '../src/training/core/models/naive';
import { SeriesForecast, SeriesPanel } from '../src/training/core/models';
import { benchPanel } from './lib/panels';
import { printJsonLine, table, writeResults } from './lib/report';
import { startServerProcess } from './lib/server-process';

/**
 * The acceptance check of issue 20, end to end through the REST API as a user (and the checker)
 * runs it: the panel less its last `horizon` steps is uploaded as a long CSV (series_id,
 * timestamp, value), the DEFAULT search for a series dataset is submitted (`grid: {}`, promote
 * `if_better`), and its champion forecasts every series through `/predict`; those forecasts are
 * scored the M4 way on the held-out steps (sMAPE, MASE and Naive2 with M4's period, 80% coverage)
 * beside seasonal naive. Each family's own scores inside the search are listed too.
 */
const USAGE = `Usage: node dist/bench/panel-rest.bench.js [--panel hourly|m4-weekly|synthetic-hourly] [--limit N]
  --panel NAME   panel (default hourly: the realistic synthetic hourly panel, 400 series)
  --limit N      first N series
  --timeout S    seconds to wait for the search (default 3600)
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(base: string, method: string, p: string, body?: unknown, type = 'application/json') {
  const res = await fetch(base + p, {
    method,
    headers: body === undefined ? {} : { 'content-type': type },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} -> ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : {};
}

/** Long CSV of every series less its last `horizon` values; M4's step counts become dates from 1965 on. */
function longCsv(panel: SeriesPanel, horizon: number): string {
  const stamp = (t: number) =>
    panel.stepMs
      ? new Date(t).toISOString().replace('.000Z', 'Z')
      : new Date(Date.UTC(1965, 0, 4) + t * 7 * 86_400_000).toISOString().slice(0, 10);
  const lines = ['series_id,timestamp,value'];
  for (const s of panel.series)
    for (let i = 0; i < s.values.length - horizon; i++) lines.push(`${s.id},${stamp(s.timestamps[i])},${s.values[i]}`);
  return lines.join('\n') + '\n';
}

interface Prediction {
  predictions: number[];
  intervals: { level: number; lower: number; upper: number }[][];
}

function toForecast(p: Prediction): SeriesForecast {
  const levels = p.intervals[0]?.map((i) => i.level) ?? [];
  return {
    mean: Float64Array.from(p.predictions),
    intervals: levels.map((level, j) => ({
      level,
      lower: Float64Array.from(p.intervals, (step) => step[j].lower),
      upper: Float64Array.from(p.intervals, (step) => step[j].upper),
    })),
  };
}

const f3 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '' : v.toFixed(3));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      panel: { type: 'string' },
      limit: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  const bench = benchPanel(values.panel ?? 'hourly', process.cwd(), values.limit ? Number(values.limit) : Infinity);
  const { panel, horizon, m4Period } = bench;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-panel-rest-'));
  const server = await startServerProcess({
    env: {
      MLFLOW_BACKEND_STORE_URI: `sqlite:///${dir}/store.db`,
      MLFLOW_ARTIFACTS_DESTINATION: `${dir}/artifacts`,
      TSFLOW_DATA_DIR: `${dir}/data`,
      REDIS_URL: '',
    },
  });
  try {
    const name = `bench-${bench.name}`;
    const t0 = performance.now();
    const described = await call(
      server.url,
      'PUT',
      `/api/v1/training/datasets/${name}?series_id=series_id`,
      longCsv(panel, horizon),
      'text/csv',
    );
    const uploadS = (performance.now() - t0) / 1000;
    process.stderr.write(
      `uploaded ${described.series_count} series (${described.frequency}, periods ${described.seasonal_periods}) in ${uploadS.toFixed(1)} s\n`,
    );
    const t1 = performance.now();
    const sub = await call(server.url, 'POST', '/api/v1/training/grid-searches', {
      experiment_name: name,
      dataset: { name },
      grid: {},
      promote: { model_name: name, policy: 'if_better' },
    });
    const deadline = Date.now() + Number(values.timeout ?? 3600) * 1000;
    let grid: any;
    for (;;) {
      grid = await call(server.url, 'GET', `/api/v1/training/grid-searches/${sub.job_id}`);
      if (['completed', 'failed', 'cancelled'].includes(grid.state)) break;
      if (Date.now() > deadline) throw new Error(`search still ${grid.state} after ${values.timeout ?? 3600} s`);
      await sleep(2000);
    }
    const searchS = (performance.now() - t1) / 1000;
    if (grid.state !== 'completed')
      throw new Error(`search ${grid.state}: ${JSON.stringify(grid.error ?? grid.candidates)}`);
    const champion = grid.candidates.find((c: any) => c.run_id === grid.best_run_id);
    process.stderr.write(
      `search done in ${searchS.toFixed(1)} s; champion ${champion?.params?.model}; promotion ${JSON.stringify(grid.promotion)}\n`,
    );

    const t2 = performance.now();
    const scores: OriginScore[] = [];
    const snaive: OriginScore[] = [];
    const shortest = panel.seasonalPeriods[0] ?? 1;
    for (const s of panel.series) {
      const n = s.values.length - horizon;
      const insample = s.values.subarray(0, n);
      const actual = s.values.subarray(n);
      const p = (await call(server.url, 'POST', '/predict', { model: name, series_id: s.id, horizon })) as Prediction;
      const baseline = naive2Forecast(insample, m4Period, horizon, []);
      scores.push(scoreOrigin(s.id, insample, actual, toForecast(p), baseline, m4Period));
      snaive.push(
        scoreOrigin(s.id, insample, actual, seasonalRandomWalk(insample, shortest, horizon, [0.8]), baseline, m4Period),
      );
    }
    const predictS = (performance.now() - t2) / 1000;
    const champ: PanelScore = panelScore(scores);
    const base: PanelScore = panelScore(snaive);
    const families = grid.candidates.map((c: any) => ({ model: c.params.model, state: c.state, ...c.metrics }));
    const loadavg = os.loadavg();
    const out = {
      bench: 'panel-rest',
      panel: bench.name,
      series: panel.series.length,
      horizon,
      m4_period: m4Period,
      champion: champion?.params?.model,
      promotion: grid.promotion,
      held_out: {
        smape: champ.smape,
        mase: champ.mase,
        owa: champ.owa,
        coverage80: champ.coverageAll['0.8'],
        coverage95: champ.coverageAll['0.95'],
      },
      seasonal_naive: {
        period: shortest,
        smape: base.smape,
        mase: base.mase,
        owa: base.owa,
        coverage80: base.coverageAll['0.8'],
      },
      families,
      seconds: { upload: uploadS, search: searchS, predict: predictS },
      loadavg,
    };
    printJsonLine(out);
    const rows = families.map((f: any) => [
      f.model + (f.model === out.champion ? ' (champion)' : ''),
      f3(f.val_owa),
      f3(f.test_smape),
      f3(f.test_mase),
      f3(f.test_owa),
      f3(f.test_coverage_80),
      f3(f.val_coverage_80),
      f3(f.fit_seconds),
    ]);
    process.stdout.write(
      `${bench.name}: ${panel.series.length} series, horizon ${horizon}; default search in ${searchS.toFixed(0)} s, ` +
        `upload ${uploadS.toFixed(1)} s, ${panel.series.length} /predict calls ${predictS.toFixed(1)} s\n` +
        `${table(['family (inside the search)', 'val OWA', 'test sMAPE', 'test MASE', 'test OWA', 'test cov80', 'val cov80', 'fit s'], rows)}\n` +
        `held out, through /predict: champion ${out.champion} sMAPE ${f3(champ.smape)} MASE ${f3(champ.mase)} OWA ${f3(champ.owa)} ` +
        `cov80 ${f3(champ.coverageAll['0.8'])} cov95 ${f3(champ.coverageAll['0.95'])}\n` +
        `            seasonal naive (${shortest}) sMAPE ${f3(base.smape)} MASE ${f3(base.mase)} OWA ${f3(base.owa)} cov80 ${f3(base.coverageAll['0.8'])}\n` +
        `load average: ${loadavg.map((v) => v.toFixed(2)).join(' ')} (${os.cpus().length} cpus)\n`,
    );
    writeResults(path.join('bench', 'results'), `panel-rest-${bench.name}`, out);
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
