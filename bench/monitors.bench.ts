import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { printJsonLine, table, writeResults } from './lib/report';
import { repoRoot, startServerProcess } from './lib/server-process';

/**
 * Monitor replay: a champion trained on MSFT up to `--start`, then one monitor check per
 * trading day up to `--end` (POST /api/v1/monitors/{id}/check with `as_of`), against a server
 * process in the embedded mode (sqlite, in-process jobs). A retrain a check submits is
 * awaited before the next day (in production it would finish overnight). Reports checks,
 * retrains, promotions, live skill and drift over the replay, and the time per check.
 */
const USAGE = `Usage: node dist/bench/monitors.bench.js [options]
  --data DIR     directory holding MSFT.csv (default: TSFLOW_DATA_DIR or the bundled data/)
  --start DATE   last day of the first champion's training data (default 2023-07-31)
  --end DATE     last replayed day (default: the last day of the data)
  --train-from   first day of training data (default 2019-01-01)
  --epochs N     epochs of each training (default 10)
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const round = (x: number | null | undefined, d = 4) =>
  x === null || x === undefined ? undefined : Number(x.toFixed(d));

async function call(base: string, method: string, p: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} -> ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : {};
}

async function waitGrid(base: string, id: string): Promise<any> {
  for (;;) {
    const g = await call(base, 'GET', `/api/v1/training/grid-searches/${id}`);
    if (['completed', 'failed', 'cancelled'].includes(g.state)) return g;
    await sleep(250);
  }
}

function tradingDays(dataDir: string, after: string, upTo: string): string[] {
  return fs
    .readFileSync(path.join(dataDir, 'MSFT.csv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0])
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && d > after && d <= upTo);
}

async function main(): Promise<void> {
  const { values: o } = parseArgs({
    options: {
      data: { type: 'string' },
      start: { type: 'string', default: '2023-07-31' },
      end: { type: 'string', default: '9999-12-31' },
      'train-from': { type: 'string', default: '2019-01-01' },
      epochs: { type: 'string', default: '10' },
      help: { type: 'boolean' },
    },
  });
  if (o.help) return void process.stdout.write(USAGE);
  const dataDir = path.resolve(o.data ?? process.env.TSFLOW_DATA_DIR ?? path.join(repoRoot(), 'data'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-monitors-'));
  const server = await startServerProcess({
    env: {
      MLFLOW_BACKEND_STORE_URI: `sqlite:///${path.join(dir, 'tsflow.db')}`,
      MLFLOW_ARTIFACTS_DESTINATION: path.join(dir, 'artifacts'),
      TSFLOW_DATA_DIR: dataDir,
    },
  });
  const base = server.url;
  const params = {
    seq_length: 20,
    units: 16,
    layers: 1,
    dropout: 0,
    batch_size: 32,
    epochs: Number(o.epochs),
    patience: 3,
    seed: 1,
  };
  try {
    const t0 = Date.now();
    const first = await call(base, 'POST', '/api/v1/training/grid-searches', {
      experiment_name: 'bench-monitors-train',
      dataset: { ticker: 'MSFT', source: 'csv', start_date: o['train-from'], end_date: o.start },
      params,
      grid: { seed: [1] },
      promote: { model_name: 'bench-msft', policy: 'always' },
    });
    const firstGrid = await waitGrid(base, first.job_id);
    if (!firstGrid.promotion?.promoted)
      throw new Error(`the first champion was not promoted: ${JSON.stringify(firstGrid)}`);
    const trainSeconds = (Date.now() - t0) / 1000;
    const monitor = (
      await call(base, 'POST', '/api/v1/monitors', {
        name: 'bench-msft-daily',
        model_name: 'bench-msft',
        dataset: { ticker: 'MSFT', source: 'csv' },
        schedule: { cron: '30 18 * * 1-5', timezone: 'America/New_York' },
        thresholds: {
          min_skill: 0,
          min_scored_days: 10,
          skill_window_days: 20,
          max_psi: 0.25,
          retrain_every_days: 91,
          cooldown_days: 20,
        },
        retrain: { params, metric: 'val_mae', policy: 'if_better', lookback_days: 1826 },
      })
    ).monitor;

    const days = tradingDays(dataDir, o.start, o.end);
    const times: number[] = [];
    const log: any[] = [];
    let retrains = 0;
    let promotions = 0;
    let retrainSeconds = 0;
    for (const day of days) {
      const t = performance.now();
      const { check } = await call(base, 'POST', `/api/v1/monitors/${monitor.monitor_id}/check`, { as_of: day });
      times.push(performance.now() - t);
      if (check.status !== 'succeeded') throw new Error(`check ${day} failed: ${check.error}`);
      const r = check.report;
      let promoted: boolean | undefined;
      if (check.retrain_job_id) {
        retrains++;
        const rt = Date.now();
        const grid = await waitGrid(base, check.retrain_job_id);
        retrainSeconds += (Date.now() - rt) / 1000;
        promoted = grid.promotion?.promoted === true;
        if (promoted) promotions++;
        log.push({ day, reasons: check.reasons, promoted, promotion: grid.promotion?.reason });
      }
      if (check.retrain_job_id || day === days.at(-1) || log.length === 0 || days.indexOf(day) % 21 === 0)
        log.push({
          day,
          version: r.champion.version,
          scored: r.scoring.scored_days_total,
          skill: round(r.scoring.live_skill),
          mae: round(r.scoring.live_mae, 3),
          psi_r: round(r.drift.returns.psi),
          psi_v: round(r.drift.volume.psi),
          ks_r: round(r.drift.returns.ks),
          decision: r.decision,
        });
    }
    const result = {
      bench: 'monitors',
      data: path.join(dataDir, 'MSFT.csv'),
      first_champion: { train_from: o['train-from'], train_to: o.start, seconds: round(trainSeconds, 1) },
      replayed_days: days.length,
      first_day: days[0],
      last_day: days.at(-1),
      checks: times.length,
      retrains,
      promotions,
      retrain_seconds_total: round(retrainSeconds, 1),
      check_ms: {
        median: round(median(times), 1),
        p90: round(quantile(times, 0.9), 1),
        max: round(Math.max(...times), 1),
      },
      load_average: os.loadavg().map((x) => round(x, 2)),
    };
    const snapshots = log.filter((l) => l.version !== undefined);
    process.stdout.write(
      `${table(
        [
          'as_of',
          'champion',
          'scored days',
          'live skill',
          'live MAE',
          'PSI returns',
          'PSI volume',
          'KS returns',
          'decision',
        ],
        snapshots.map((l) => [l.day, l.version, l.scored, l.skill, l.mae, l.psi_r, l.psi_v, l.ks_r, l.decision]),
      )}\n\nretrains:\n${log
        .filter((l) => l.reasons)
        .map(
          (l) => `  ${l.day}: ${l.promoted ? 'PROMOTED' : 'kept champion'} (${l.promotion}) ← ${l.reasons.join('; ')}`,
        )
        .join('\n')}\n\n`,
    );
    printJsonLine(result);
    const file = writeResults(path.join(repoRoot(), 'bench', 'results'), 'monitors', { ...result, log });
    process.stdout.write(`results: ${file}\n`);
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
