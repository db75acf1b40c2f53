import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { describeFailure, FuzzStats, generateRequests, loadOperations, runAll, runRawCases, send } from './lib/fuzz';
import { printJsonLine, table, writeResults } from './lib/report';
import { repoRoot, startServerProcess } from './lib/server-process';

/**
 * `npm run bench:fuzz`: the fuzz suite at scale against a real server process (sqlite, and
 * Postgres with --postgres URL): N generated requests over every route of openapi.json, the
 * raw-socket cases, then /health. Exit code 1 on any 5xx (503/501 aside), hang or bad /health.
 */
const USAGE = `Usage: node dist/bench/fuzz.bench.js [options]
  --requests N       generated requests per store (default 20000)
  --seed N           generator seed (default 16)
  --concurrency N    concurrent requests (default 8)
  --postgres URL     also fuzz a server on this Postgres database (it must exist and may be filled)
  --auth             run the server in basic-auth mode (requests carry bad or no credentials)
`;

interface StoreResult {
  store: string;
  stats: Omit<FuzzStats, 'serverErrors' | 'hangs'> & { serverErrors: string[]; hangs: string[] };
  raw: { name: string; status: number; ms: number }[];
  health: number;
}

async function fuzzStore(store: string, env: Record<string, string>, o: Options): Promise<StoreResult> {
  const server = await startServerProcess({ env: { TSFLOW_BODY_IDLE_TIMEOUT_MS: '2000', LOG_LEVEL: 'error', ...env } });
  try {
    const requests = generateRequests(loadOperations(path.join(repoRoot(), 'openapi.json')), o.requests, o.seed);
    const stats = await runAll(server.url, requests, { concurrency: o.concurrency, timeoutMs: 30_000 });
    const raw = await runRawCases(server.url, 10_000);
    const health = (await send(server.url, { method: 'GET', path: '/health', headers: {}, op: 'health' }, 10_000))
      .status;
    return {
      store,
      stats: {
        ...stats,
        serverErrors: stats.serverErrors.map(describeFailure),
        hangs: stats.hangs.map(describeFailure),
      },
      raw,
      health,
    };
  } finally {
    await server.stop();
  }
}

interface Options {
  requests: number;
  seed: number;
  concurrency: number;
  postgres?: string;
  auth: boolean;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      postgres: { type: 'string' },
      auth: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const o: Options = {
    requests: Number(values.requests ?? 20_000),
    seed: Number(values.seed ?? 16),
    concurrency: Number(values.concurrency ?? 8),
    postgres: values.postgres,
    auth: values.auth ?? false,
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-fuzz-'));
  const common: Record<string, string> = {
    MLFLOW_ARTIFACTS_DESTINATION: path.join(dir, 'artifacts'),
    ...(o.auth ? { TSFLOW_APP_NAME: 'basic-auth', TSFLOW_ADMIN_PASSWORD: 'fuzz-bench-admin' } : {}),
  };
  const results: StoreResult[] = [];
  try {
    results.push(
      await fuzzStore('sqlite', { ...common, MLFLOW_BACKEND_STORE_URI: `sqlite:///${path.join(dir, 'fuzz.db')}` }, o),
    );
    if (o.postgres) results.push(await fuzzStore('postgres', { ...common, MLFLOW_BACKEND_STORE_URI: o.postgres }, o));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const rows = results.map((r) => [
    r.store,
    r.stats.total,
    Math.round(r.stats.ms / 1000),
    r.stats.serverErrors.length,
    r.stats.hangs.length,
    r.raw.filter((c) => c.status === -1 || (c.status >= 500 && c.status !== 503)).length,
    r.health,
    JSON.stringify(r.stats.byStatus),
  ]);
  console.log(table(['store', 'requests', 's', '5xx', 'hangs', 'raw bad', '/health', 'statuses'], rows));
  console.log(`load average ${load}`);
  for (const r of results)
    for (const line of [...r.stats.serverErrors, ...r.stats.hangs].slice(0, 20)) console.log(`  ${r.store}: ${line}`);
  const result = { bench: 'fuzz', options: o, load, results };
  writeResults(path.join(repoRoot(), '.tmp'), 'fuzz', result);
  printJsonLine({ bench: 'fuzz', load, results: rows });
  const bad = results.some(
    (r) =>
      r.stats.serverErrors.length > 0 ||
      r.stats.hangs.length > 0 ||
      r.health !== 200 ||
      rows.some((row) => Number(row[5]) > 0),
  );
  return bad ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
