import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { LoadResult, runLoad } from './lib/load';
import { publishResults, runBench, table } from './lib/report';
import { runScaleSearch, ScaleResult } from './lib/scale-search';
import { processCpuMs, repoRoot, ServerProcess, startServerProcess } from './lib/server-process';
import { TRACKING_CASES, TrackingCase } from './lib/tracking-cases';

/**
 * Tracking benchmark: the seven cases of the public MLflow-Go backend benchmark (20 keep-alive
 * clients, fixed duration) against a tsflow server child process, compared with MLflow 2.12,
 * plus search over 100,000 runs. See `--help`.
 */
const USAGE = `Usage: node dist/bench/tracking.bench.js [options]
  --duration S        seconds per case (default 10)
  --quick             3 s per case
  --warmup S          unmeasured seconds before each case (default 1)
  --connections N     concurrent keep-alive clients (default 20)
  --cases A,B         run only these cases (names as printed)
  --postgres URL      run against this Postgres database instead of a fresh sqlite file
  --scale-runs N      runs seeded for search at scale (default 100000)
  --scale-reps N      timed requests per scale query (default 20)
  --skip-scale        skip search at scale
  --cpu-prof DIR      write V8 CPU profiles of the server child to DIR
  --url URL           measure the server at URL instead of starting tsflow (any MLflow-compatible server)
  --compare URL       measure tsflow and the server at URL side by side, case by case (alternating order),
                      and report both req/s and the measured ratio (e.g. --compare http://127.0.0.1:5912
                      for an \`mlflow server\` with 4 gunicorn workers)
  --compare-pids P,Q  process ids of the --compare/--url server (e.g. the gunicorn master and workers):
                      their CPU time per request is reported too, a figure other load barely moves
  --keep              keep the temporary directory (databases, artifacts)
`;

const TARGET_FACTOR = 10;
const SCALE_TARGET_MS = 100;

function options() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      quick: { type: 'boolean' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      cases: { type: 'string' },
      postgres: { type: 'string' },
      'scale-runs': { type: 'string' },
      'scale-reps': { type: 'string' },
      'skip-scale': { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      url: { type: 'string' },
      compare: { type: 'string' },
      'compare-pids': { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const names = values.cases?.split(',').map((s) => s.trim());
  const unknown = names?.filter((n) => !TRACKING_CASES.some((c) => c.name === n)) ?? [];
  if (unknown.length)
    throw new Error(`Unknown case(s) ${unknown.join(', ')}; known: ${TRACKING_CASES.map((c) => c.name).join(', ')}`);
  return {
    duration: Number(values.duration ?? (values.quick ? 3 : 10)),
    warmup: Number(values.warmup ?? 1),
    connections: Number(values.connections ?? 20),
    cases: TRACKING_CASES.filter((c) => !names || names.includes(c.name)),
    postgres: values.postgres,
    scaleRuns: values['skip-scale'] ? 0 : Number(values['scale-runs'] ?? 100_000),
    scaleReps: Number(values['scale-reps'] ?? 20),
    cpuProf: values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined,
    url: values.url?.replace(/\/+$/, ''),
    compare: values.compare?.replace(/\/+$/, ''),
    comparePids: (values['compare-pids'] ?? '').split(',').filter(Boolean).map(Number),
    keep: !!values.keep,
  };
}
type Options = ReturnType<typeof options>;

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

function serverStarter(opts: Options, tmp: string, dbFile: string): () => Promise<ServerProcess> {
  const store = opts.postgres ?? `sqlite:///${path.join(tmp, dbFile)}`;
  const nodeArgs = opts.cpuProf
    ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`, '--require', path.join(__dirname, 'lib', 'exit-on-signal.js')]
    : [];
  return () =>
    startServerProcess({
      args: ['server', '--backend-store-uri', store, '--artifacts-destination', path.join(tmp, 'artifacts')],
      env: { LOG_LEVEL: 'warn' },
      nodeArgs,
    });
}

interface CpuStats {
  /** Server CPU time per completed request (ms): its own cost, little affected by other load. */
  serverCpuMsPerReq?: number;
  /** The server's main thread (its event loop) alone: what bounds its req/s when cores are free. */
  mainThreadMsPerReq?: number;
  /** Server CPU time / wall time: 1.0 = one core busy. */
  serverCpuShare?: number;
  /** The same for the benchmark process (autocannon), which competes for the same cores. */
  loadGenCpuShare: number;
}

function cpuProbe(server: ServerProcess): { done(r: LoadResult): CpuStats } {
  const s0 = server.cpuMs();
  const m0 = server.pid ? processCpuMs(server.pid, server.pid) : undefined;
  const b0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    done(r) {
      const wall = performance.now() - t0;
      const s1 = server.cpuMs();
      const b = process.cpuUsage(b0);
      const srv = s0 === undefined || s1 === undefined ? undefined : s1 - s0;
      const m1 = server.pid ? processCpuMs(server.pid, server.pid) : undefined;
      const main = m0 === undefined || m1 === undefined || r.requests === 0 ? undefined : (m1 - m0) / r.requests;
      const r2 = (x: number) => Math.round(x * 100) / 100;
      return {
        serverCpuMsPerReq: srv === undefined || r.requests === 0 ? undefined : r2(srv / r.requests),
        mainThreadMsPerReq: main === undefined ? undefined : r2(main),
        serverCpuShare: srv === undefined ? undefined : r2(srv / wall),
        loadGenCpuShare: r2((b.user + b.system) / 1000 / wall),
      };
    },
  };
}

interface CaseResult extends LoadResult, CpuStats {
  name: string;
  /** The recorded MLflow 2.12 figure, or the one measured in this run with --compare. */
  mlflowReqPerSec: number;
  /** Set with --compare: the other server, measured right beside tsflow. */
  measured?: LoadResult & CpuStats;
  ratio: number;
  targetReqPerSec: number;
  meetsTarget: boolean;
}

/** A server under load that we did not start; CPU figures only when its process ids are given. */
function external(url: string, pids: number[] = []): ServerProcess {
  const cpuMs = () => {
    if (pids.length === 0) return undefined;
    const each = pids.map((pid) => processCpuMs(pid));
    return each.some((v) => v === undefined) ? undefined : (each as number[]).reduce((a, b) => a + b, 0);
  };
  return { url, port: Number(new URL(url).port), pid: pids[0] ?? 0, cpuMs, stop: async () => undefined };
}

async function measure(c: TrackingCase, server: ServerProcess, opts: Options, tag: string) {
  log(`${c.name} @ ${server.url}: setup`);
  const next = await c.setup(server.url, { connections: opts.connections, tag });
  const load = { url: server.url, connections: opts.connections, next };
  if (opts.warmup > 0) await runLoad({ ...load, durationSec: opts.warmup });
  const cpu = cpuProbe(server);
  const r = await runLoad({ ...load, durationSec: opts.duration });
  log(
    `${c.name} @ ${server.url}: ${r.reqPerSec} req/s, p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, non-2xx ${r.non2xx}, errors ${r.errors}${r.firstFailure ? `, first failure: ${r.firstFailure}` : ''}`,
  );
  return { ...r, ...cpu.done(r) };
}

async function runCases(opts: Options, start: () => Promise<ServerProcess>, tag: string): Promise<CaseResult[]> {
  const server = opts.url ? external(opts.url, opts.comparePids) : await start();
  const other = opts.compare ? external(opts.compare, opts.comparePids) : undefined;
  const results: CaseResult[] = [];
  try {
    for (const [i, c] of opts.cases.entries()) {
      // Alternate who goes first, so a load spike on the shared machine hits both sides alike.
      let mine: Awaited<ReturnType<typeof measure>>;
      let theirs: (LoadResult & CpuStats) | undefined;
      if (other && i % 2 === 1) {
        theirs = await measure(c, other, opts, tag);
        mine = await measure(c, server, opts, tag);
      } else {
        mine = await measure(c, server, opts, tag);
        if (other) theirs = await measure(c, other, opts, tag);
      }
      const baseline = theirs?.reqPerSec ?? c.mlflowReqPerSec;
      const target = baseline * TARGET_FACTOR;
      results.push({
        name: c.name,
        ...mine,
        mlflowReqPerSec: baseline,
        measured: theirs,
        ratio: Math.round((mine.reqPerSec / Math.max(baseline, 0.01)) * 10) / 10,
        targetReqPerSec: target,
        meetsTarget: mine.reqPerSec >= target && mine.non2xx === 0 && mine.errors === 0,
      });
    }
  } finally {
    await server.stop();
  }
  return results;
}

function environment(opts: Options) {
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot(), encoding: 'utf8' }).trim();
  } catch {
    commit = undefined;
  }
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    commit,
    backend: opts.url ? `external ${opts.url}` : opts.postgres ? 'postgres' : 'sqlite',
    compare: opts.compare,
  };
}

function printTables(opts: Options, cases: CaseResult[], scale: ScaleResult | undefined): void {
  const rows = cases.map((c) => [
    c.name,
    c.reqPerSec,
    c.p50Ms,
    c.p95Ms,
    c.non2xx,
    c.errors + c.timeouts,
    c.serverCpuMsPerReq,
    c.mainThreadMsPerReq,
    c.serverCpuShare,
    c.loadGenCpuShare,
    c.mlflowReqPerSec,
    `${c.ratio}x`,
    c.measured?.serverCpuMsPerReq ?? '',
    c.meetsTarget,
  ]);
  const headers = [
    'case',
    'req/s',
    'p50 ms',
    'p95 ms',
    'non-2xx',
    'errors',
    'srv cpu ms/req',
    'main thr ms/req',
    'srv cores',
    'loadgen cores',
    opts.compare ? 'other req/s (measured)' : 'MLflow 2.12 req/s (recorded)',
    'vs MLflow',
    'other cpu ms/req',
    `>=${TARGET_FACTOR}x`,
  ];
  process.stdout.write(`\n${table(headers, rows)}\n`);
  if (!scale) return;
  const srows = scale.queries.map((q) => [
    q.name,
    q.firstMs,
    q.p50Ms,
    q.p95Ms,
    q.returned,
    q.checkPassed,
    q.p50Ms < SCALE_TARGET_MS,
  ]);
  process.stdout.write(`\nsearch over ${scale.runs} runs (seeded in ${scale.seedSec} s)\n`);
  process.stdout.write(
    `${table(['query', 'first ms', 'p50 ms', 'p95 ms', 'runs', 'correct', `<${SCALE_TARGET_MS} ms`], srows)}\n\n`,
  );
}

async function main(): Promise<void> {
  const opts = options();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-'));
  const tag = Date.now().toString(36);
  const env = environment(opts);
  log(
    `tmp ${tmp}; ${env.backend}; ${opts.duration} s per case, ${opts.connections} connections; load ${env.loadavg.join(' ')}`,
  );
  try {
    const cases = await runCases(opts, serverStarter(opts, tmp, 'bench.db'), tag);
    let scale: ScaleResult | undefined;
    if (opts.scaleRuns > 0 && !opts.url) {
      log(`search at scale: seeding ${opts.scaleRuns} runs`);
      scale = await runScaleSearch({
        runs: opts.scaleRuns,
        reps: opts.scaleReps,
        postgresUrl: opts.postgres,
        sqlitePath: path.join(tmp, 'scale.db'),
        tag,
        start: serverStarter(opts, tmp, 'scale.db'),
      });
    }
    const result = {
      bench: 'tracking',
      timestamp: new Date().toISOString(),
      env: { ...env, loadavgAfter: os.loadavg().map((x) => Math.round(x * 100) / 100) },
      settings: {
        durationSec: opts.duration,
        warmupSec: opts.warmup,
        connections: opts.connections,
        targetFactor: TARGET_FACTOR,
        scaleTargetMs: SCALE_TARGET_MS,
      },
      cases,
      scale: scale && { ...scale, meetsTarget: scale.queries.every((q) => q.p50Ms < SCALE_TARGET_MS && q.checkPassed) },
      notes: [
        'autocannon runs in the benchmark process and competes with the server child for the same CPUs (loadGenCpuShare).',
        "serverCpuMsPerReq is the server child's CPU time (/proc) per request: compare it across runs on a shared machine, req/s depends on other load.",
        "Per-client runs: setupClient gives each autocannon connection an index; its setupRequest builds that client's next request.",
      ],
    };
    printTables(opts, cases, scale);
    log(`results: ${publishResults(repoRoot(), 'tracking', result)}`);
  } finally {
    if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

runBench(main);
