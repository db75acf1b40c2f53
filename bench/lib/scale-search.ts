import { performance } from 'node:perf_hooks';
import { api } from './api';
import { percentile } from './load';
import { ScaleSeed, seedScalePostgres, seedScaleSqlite } from './seed-scale';
import { ServerProcess } from './server-process';

export interface ScaleQuery {
  name: string;
  body: { filter?: string; order_by?: string[]; max_results: number };
  /** Time this page (1 = first), reached by following next_page_token from page 1. */
  page?: number;
  /** True when the returned page holds the filter and the order (checked on the last response). */
  check(runs: WireRun[]): boolean;
}

interface WireRun {
  info: { start_time: number; run_name?: string };
  data: {
    metrics?: { key: string; value: number }[];
    params?: { key: string; value: string }[];
    tags?: { key: string; value: string }[];
  };
}

export interface ScaleQueryResult {
  name: string;
  filter?: string;
  orderBy?: string[];
  /** First request after the server start (cold caches). */
  firstMs: number;
  p50Ms: number;
  p95Ms: number;
  minMs: number;
  /** The server's CPU time per request (all its threads): what a loaded machine barely moves. */
  serverCpuMsPerReq?: number;
  returned: number;
  hasNextPage: boolean;
  checkPassed: boolean;
}

const metric = (r: WireRun, key: string) => r.data.metrics?.find((m) => m.key === key)?.value;
const param = (r: WireRun, key: string) => r.data.params?.find((p) => p.key === key)?.value;
const tag = (r: WireRun, key: string) => r.data.tags?.find((p) => p.key === key)?.value;
const descending = (xs: (number | undefined)[]) =>
  xs.every((x, i) => x !== undefined && (i === 0 || (xs[i - 1] as number) >= x));
const ascending = <T extends number | string>(xs: (T | undefined)[]) =>
  xs.every((x, i) => x !== undefined && (i === 0 || (xs[i - 1] as T) <= x));

export const SCALE_QUERIES: ScaleQuery[] = [
  {
    name: 'filtered, ordered by metric',
    body: { filter: "metrics.m3 < 0.5 and params.p1 = 'v3'", order_by: ['metrics.m1 DESC'], max_results: 100 },
    check: (runs) =>
      runs.length > 0 &&
      runs.every((r) => (metric(r, 'm3') as number) < 0.5 && param(r, 'p1') === 'v3') &&
      descending(runs.map((r) => metric(r, 'm1'))),
  },
  {
    name: 'no filter, ordered by start_time',
    body: { order_by: ['attributes.start_time DESC'], max_results: 100 },
    check: (runs) => runs.length > 0 && descending(runs.map((r) => r.info.start_time)),
  },
];

/** The search bench's set (npm run bench:search): every kind of order key, filters, a deep page. */
export const SEARCH_QUERIES: ScaleQuery[] = [
  {
    name: 'ordered by metric DESC',
    body: { order_by: ['metrics.m1 DESC'], max_results: 100 },
    check: (runs) => runs.length === 100 && descending(runs.map((r) => metric(r, 'm1'))),
  },
  {
    name: 'ordered by metric ASC',
    body: { order_by: ['metrics.m2 ASC'], max_results: 100 },
    check: (runs) => runs.length === 100 && ascending(runs.map((r) => metric(r, 'm2'))),
  },
  {
    name: 'ordered by param',
    body: { order_by: ['params.p1 ASC'], max_results: 100 },
    check: (runs) => runs.length === 100 && ascending(runs.map((r) => param(r, 'p1'))),
  },
  {
    name: 'ordered by tag',
    body: { order_by: ['tags.t1 DESC'], max_results: 100 },
    check: (runs) => runs.length === 100 && ascending(runs.map((r) => tag(r, 't1')).reverse()),
  },
  {
    name: 'ordered by attribute (start_time)',
    body: { order_by: ['attributes.start_time ASC'], max_results: 100 },
    check: (runs) => runs.length === 100 && ascending(runs.map((r) => r.info.start_time)),
  },
  {
    name: 'ordered by attribute (run_name)',
    body: { order_by: ['attributes.run_name DESC'], max_results: 100 },
    check: (runs) => runs.length === 100 && ascending(runs.map((r) => r.info.run_name).reverse()),
  },
  SCALE_QUERIES[0],
  {
    name: 'filter metric+param',
    body: { filter: "metrics.m3 < 0.5 and params.p1 = 'v3'", max_results: 100 },
    check: (runs) => runs.length > 0 && runs.every((r) => (metric(r, 'm3') as number) < 0.5 && param(r, 'p1') === 'v3'),
  },
  {
    name: 'page 10, ordered by metric',
    page: 10,
    body: { order_by: ['metrics.m1 DESC'], max_results: 100 },
    check: (runs) => runs.length === 100 && descending(runs.map((r) => metric(r, 'm1'))),
  },
  {
    name: 'page 10, ordered by param',
    page: 10,
    body: { order_by: ['params.p1 ASC'], max_results: 100 },
    check: (runs) => runs.length === 100 && ascending(runs.map((r) => param(r, 'p1'))),
  },
  {
    name: 'page 10, default order',
    page: 10,
    body: { max_results: 100 },
    check: (runs) => runs.length === 100 && descending(runs.map((r) => r.info.start_time)),
  },
];

async function timeQuery(
  server: ServerProcess,
  experimentId: string,
  q: ScaleQuery,
  reps: number,
): Promise<ScaleQueryResult> {
  const base = server.url;
  let body: Record<string, unknown> = { experiment_ids: [experimentId], ...q.body };
  for (let p = 1; p < (q.page ?? 1); p++) {
    const r = await api<{ next_page_token?: string }>(base, 'runs/search', body);
    body = { ...body, page_token: r.next_page_token };
  }
  const times: number[] = [];
  let cpu0: number | undefined;
  let last: { runs?: WireRun[]; next_page_token?: string } = {};
  for (let i = 0; i <= reps; i++) {
    if (i === 1) cpu0 = server.cpuMs();
    const t = performance.now();
    last = await api(base, 'runs/search', body);
    times.push(performance.now() - t);
  }
  const cpu1 = server.cpuMs();
  const [firstMs, ...rest] = times;
  const sorted = rest.sort((a, b) => a - b);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    name: q.name,
    filter: q.body.filter,
    orderBy: q.body.order_by,
    firstMs: r2(firstMs),
    p50Ms: r2(percentile(sorted, 50)),
    p95Ms: r2(percentile(sorted, 95)),
    minMs: r2(sorted[0]),
    serverCpuMsPerReq: cpu0 === undefined || cpu1 === undefined ? undefined : r2((cpu1 - cpu0) / reps),
    returned: last.runs?.length ?? 0,
    hasNextPage: !!last.next_page_token,
    checkPassed: q.check(last.runs ?? []),
  };
}

export interface ScaleResult {
  runs: number;
  seedMethod: string;
  seedSec: number;
  queries: ScaleQueryResult[];
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** The id of a fully seeded experiment of that name (its last run is there), else undefined. */
async function seededExperiment(base: string, name: string, runs: number): Promise<string | undefined> {
  const found = await api<{ experiment?: { experiment_id: string } }>(
    base,
    `experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`,
  ).catch(() => undefined);
  const id = found?.experiment?.experiment_id;
  if (!id) return undefined;
  // Runs are named scale-0..scale-(N-1) in seeding order: a seed cut short, or of another size, lacks the last.
  const last = await api<{ runs?: unknown[] }>(base, 'runs/search', {
    experiment_ids: [id],
    filter: `attributes.run_name = 'scale-${runs - 1}'`,
    max_results: 1,
  });
  if (!last.runs?.length) throw new Error(`experiment ${name} is not a complete seed of ${runs} runs: drop the store`);
  return id;
}

/**
 * Seed `runs` runs into a freshly migrated store and time first pages of runs/search.
 * `start()` starts a server on the benchmark's scale database (migrating it on first start).
 */
export async function runScaleSearch(opts: {
  runs: number;
  reps: number;
  postgresUrl?: string;
  sqlitePath?: string;
  tag: string;
  steps?: number;
  queries?: ScaleQuery[];
  start: () => Promise<ServerProcess>;
  /** A store seeded by an earlier --reuse run holds the experiment already: time its queries again. */
  reuse?: boolean;
}): Promise<ScaleResult> {
  // 1. Migrate and create the experiment through the API; stop so seeding is the only writer.
  let server = await opts.start();
  const name = `bench-scale-${opts.tag}`;
  const existing = opts.reuse ? await seededExperiment(server.url, name, opts.runs) : undefined;
  const experimentId =
    existing ?? (await api<{ experiment_id: string }>(server.url, 'experiments/create', { name })).experiment_id;
  const { experiment } = await api<{ experiment: { artifact_location: string } }>(
    server.url,
    `experiments/get?experiment_id=${experimentId}`,
  );
  await server.stop();
  // 2. Seed straight into the tables (unless reused).
  const seed: ScaleSeed = {
    experimentId,
    runs: opts.runs,
    artifactLocation: experiment.artifact_location,
    steps: opts.steps,
  };
  const t = performance.now();
  if (existing) log(`reusing the seeded experiment ${existing} (${name})`);
  else if (opts.postgresUrl) await seedScalePostgres(opts.postgresUrl, seed);
  else seedScaleSqlite(opts.sqlitePath as string, seed);
  const seedSec = existing ? 0 : Math.round((performance.now() - t) / 100) / 10;
  // 3. Fresh server, sequential requests.
  server = await opts.start();
  try {
    const queries: ScaleQueryResult[] = [];
    for (const q of opts.queries ?? SCALE_QUERIES) queries.push(await timeQuery(server, experimentId, q, opts.reps));
    return {
      runs: opts.runs,
      seedMethod: opts.postgresUrl ? 'pg unnest inserts' : 'better-sqlite3 multi-row inserts',
      seedSec,
      queries,
    };
  } finally {
    await server.stop();
  }
}
