import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { publishResults, runBench, table } from './lib/report';
import { runScaleSearch, ScaleResult, SEARCH_QUERIES } from './lib/scale-search';
import { repoRoot, ServerProcess, startServerProcess } from './lib/server-process';

/**
 * Search at scale (issue 21): one experiment of N runs (10 params, 10 metrics x `steps`, 5 tags)
 * seeded straight into a fresh sqlite file and a dedicated Postgres database (dropped at the
 * end), then p50/p95 of sequential runs/search calls against a tsflow server child: ordered by
 * a metric, a param, a tag, an attribute; filtered on a metric and a param; page 10.
 */
const USAGE = `Usage: node dist/bench/search.bench.js [options]
  --sqlite-runs N     runs seeded into sqlite (default 100000; 0 skips sqlite)
  --postgres-runs N   runs seeded into Postgres (default 1000000; 0 skips Postgres)
  --postgres URL      admin URL of the Postgres server (default postgresql://postgres@127.0.0.1:5432/postgres);
                      a dedicated database is created on it and dropped afterwards
  --steps N           metric history points per metric (default 20; latest_metrics holds the last)
  --reps N            timed requests per query after one cold request (default 20)
  --keep              keep the sqlite file and the Postgres database (their locations are printed)
  --reuse             seed into a store named after the sizes (tsflow_bench_scale_<N>_<steps> on Postgres,
                      <tmpdir>/tsflow-search-bench-<N>-<steps>.db), keep it, and on later runs time the
                      queries again without seeding (new migrations still run on it)
  --postgres-db NAME  with --reuse: the Postgres database's name instead of tsflow_bench_scale_<N>_<steps>
                      (one per helper sharing a server)
`;

const TARGET_MS = 100;

function options() {
  const { values } = parseArgs({
    options: {
      'sqlite-runs': { type: 'string' },
      'postgres-runs': { type: 'string' },
      postgres: { type: 'string' },
      'postgres-db': { type: 'string' },
      steps: { type: 'string' },
      reps: { type: 'string' },
      keep: { type: 'boolean' },
      reuse: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  return {
    sqliteRuns: Number(values['sqlite-runs'] ?? 100_000),
    postgresRuns: Number(values['postgres-runs'] ?? 1_000_000),
    postgres: values.postgres ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    postgresDb: values['postgres-db'],
    steps: Number(values.steps ?? 20),
    reps: Number(values.reps ?? 20),
    keep: !!values.keep || !!values.reuse,
    reuse: !!values.reuse,
  };
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const loadavg = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

function starter(store: string, artifacts: string): () => Promise<ServerProcess> {
  return () =>
    startServerProcess({
      args: ['server', '--backend-store-uri', store, '--artifacts-destination', artifacts],
      env: { LOG_LEVEL: 'warn' },
      // The first start on a store from before migration 1763800000021 builds its indexes.
      readyTimeoutMs: 30 * 60_000,
    });
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function createIfMissing(adminUrl: string, name: string): Promise<void> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
}

async function onPostgres(opts: ReturnType<typeof options>, tmp: string): Promise<ScaleResult> {
  const name = opts.reuse
    ? (opts.postgresDb ?? `tsflow_bench_scale_${opts.postgresRuns}_${opts.steps}`)
    : `tsflow_bench_${randomBytes(4).toString('hex')}`;
  if (opts.reuse) await createIfMissing(opts.postgres, name);
  else await adminQuery(opts.postgres, `CREATE DATABASE ${name}`);
  const u = new URL(opts.postgres);
  u.pathname = `/${name}`;
  const url = u.toString();
  try {
    return await runScaleSearch({
      runs: opts.postgresRuns,
      reps: opts.reps,
      steps: opts.steps,
      postgresUrl: url,
      tag: name,
      reuse: opts.reuse,
      queries: SEARCH_QUERIES,
      start: starter(url, path.join(tmp, 'pg-artifacts')),
    });
  } finally {
    if (opts.keep) log(`kept Postgres database ${url}`);
    else await adminQuery(opts.postgres, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

function onSqlite(opts: ReturnType<typeof options>, tmp: string): Promise<ScaleResult> {
  const file = opts.reuse
    ? path.join(os.tmpdir(), `tsflow-search-bench-${opts.sqliteRuns}-${opts.steps}.db`)
    : path.join(tmp, 'search.db');
  if (opts.keep) log(`sqlite file ${file}`);
  return runScaleSearch({
    runs: opts.sqliteRuns,
    reps: opts.reps,
    steps: opts.steps,
    sqlitePath: file,
    tag: 'sqlite',
    reuse: opts.reuse,
    queries: SEARCH_QUERIES,
    start: starter(`sqlite:///${file}`, path.join(tmp, 'artifacts')),
  });
}

function print(backend: string, r: ScaleResult): void {
  const rows = r.queries.map((q) => [
    q.name,
    q.firstMs,
    q.p50Ms,
    q.p95Ms,
    q.serverCpuMsPerReq ?? '',
    q.returned,
    q.checkPassed,
    q.p50Ms < TARGET_MS,
  ]);
  process.stdout.write(`\n${backend}: ${r.runs} runs (seeded in ${r.seedSec} s), load ${loadavg().join(' ')}\n`);
  process.stdout.write(
    `${table(['query', 'first ms', 'p50 ms', 'p95 ms', 'srv cpu ms/req', 'runs', 'correct', `<${TARGET_MS} ms`], rows)}\n`,
  );
}

async function main(): Promise<void> {
  const opts = options();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-search-bench-'));
  const loadBefore = loadavg();
  log(`tmp ${tmp}; load ${loadBefore.join(' ')}`);
  const results: Record<string, ScaleResult> = {};
  try {
    if (opts.sqliteRuns > 0) {
      log(`sqlite: seeding ${opts.sqliteRuns} runs`);
      results.sqlite = await onSqlite(opts, tmp);
      print('sqlite', results.sqlite);
    }
    if (opts.postgresRuns > 0) {
      log(`postgres: seeding ${opts.postgresRuns} runs`);
      results.postgres = await onPostgres(opts, tmp);
      print('postgres', results.postgres);
    }
    const result = {
      bench: 'search',
      timestamp: new Date().toISOString(),
      env: { node: process.version, cpus: os.cpus().length, loadavgBefore: loadBefore, loadavgAfter: loadavg() },
      settings: { steps: opts.steps, reps: opts.reps, targetMs: TARGET_MS },
      results,
      meetsTarget: Object.values(results).every((r) => r.queries.every((q) => q.p50Ms < TARGET_MS && q.checkPassed)),
    };
    log(`results: ${publishResults(repoRoot(), 'search', result)}`);
  } finally {
    if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

runBench(main);
