import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import IORedis from 'ioredis';
import { strategyBody, StrategyRun, strategyRun, summariseStrategies } from './lib/grid-strategies';
import { printJsonLine, table, writeResults } from './lib/report';
import { repoRoot, startServerProcess } from './lib/server-process';

/**
 * Grid-search benchmark: candidates trained per minute by a fixed small grid with 1 and with
 * 2 `tsflow worker` processes (BullMQ, sandboxed processors) against a server process, and
 * what each candidate costs outside training. Each worker trains one candidate at a time
 * (TSFLOW_WORKER_CONCURRENCY=1: tfjs-wasm is single-threaded, so one worker per core).
 *
 * Sources of the numbers: the grid job (REST, database clock), BullMQ's job hash (timestamp,
 * processedOn, finishedOn, processedBy) and each run's metric timestamps (one `loss` point per
 * epoch, the final metrics just before the artifacts are written, run end_time after the model
 * upload). Overhead per candidate = submission share + queue hand-off + the job's time outside
 * its epochs: setup (job start → first epoch, minus one steady epoch: run status, data loading,
 * params/dataset logging, model build and graph warm-up), eval (val/test predictions), artifacts
 * (plots, model files, upload, logged model) and finish (job record, grid check, BullMQ ack).
 * CPU time comes from /proc: a sandbox uses more than one core (V8's GC helper threads), and
 * on a shared machine the other tenants' CPU use is reported beside the result.
 */
const USAGE = `Usage: node dist/bench/grid.bench.js [options]
  --parts P,Q      what to measure: workers (1 vs 2 workers), strategies (grid vs halving); default both
  --workers A,B    worker process counts to measure (default 1,2)
  --strategy-workers N  workers for the grid-vs-halving comparison (default 1)
  --strategy-epochs N   epochs per candidate there (default 9: rungs at 1 and 3 with eta 3)
  --epochs N       epochs per candidate, early stopping off (default 10)
  --repeat N       measurements per worker count; the best one counts (default 2)
  --node-args A,B  extra node flags of the worker processes, e.g. --max-semi-space-size=16
  --redis URL      Redis (default REDIS_URL or redis://127.0.0.1:6379; a unique key prefix is used and deleted)
`;

/** 8 candidates of equal cost (same architecture and data; learning rate and seed vary), so load balance is not measured. */
function gridBody(epochs: number, experiment: string) {
  return {
    experiment_name: experiment,
    dataset: { ticker: 'MSFT', source: 'sample', start_date: '2019-01-01', end_date: '2021-12-31' },
    params: { seq_length: 20, units: 16, layers: 1, dropout: 0, batch_size: 32, epochs, patience: 1000 },
    grid: { learning_rate: [0.001, 0.002, 0.003, 0.005], seed: [1, 2] },
    metric: 'val_mae',
  };
}

/** n tiny candidates: starts every worker's sandboxed processor (Nest context, tfjs backend) before measuring. */
function warmUpBody(n: number) {
  return {
    experiment_name: 'warm-up',
    dataset: { ticker: 'MSFT', source: 'sample', start_date: '2021-01-01', end_date: '2021-12-31' },
    params: { seq_length: 5, units: 2, epochs: 1 },
    grid: { seed: Array.from({ length: n }, (_, i) => i + 1) },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const round = (v: number, d = 0) => Number(v.toFixed(d));

async function rest(base: string, method: string, p: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} -> ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : {};
}

let ticks: number | undefined;
const tickMs = () =>
  1000 / (ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);

/** Busy CPU time of the whole machine (all cores), in ms, from /proc/stat. */
function machineBusyMs(): number {
  const [, user, nice, system, , , irq, softirq, steal] = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) * tickMs();
}

/**
 * CPU time (user + system, including reaped children) of these processes and all their
 * descendants (the workers' sandboxed processors), in ms. With the machine's busy time it
 * tells how much CPU other tenants of a shared machine took during a measurement.
 */
function treeCpuMs(roots: number[]): number {
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), {
        ppid: Number(f[1]),
        cpu: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * tickMs(),
      });
    } catch {
      // exited meanwhile
    }
  }
  const inTree = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, st] of stats) {
      if (inTree.has(pid) || !inTree.has(st.ppid)) continue;
      inTree.add(pid);
      grew = true;
    }
  }
  let total = 0;
  for (const pid of inTree) total += stats.get(pid)?.cpu ?? 0;
  return total;
}

const workers = new Set<ChildProcess>();
process.once('exit', () => workers.forEach((w) => w.kill('SIGKILL')));

function startWorker(env: Record<string, string>, nodeArgs: string[]): ChildProcess {
  const root = repoRoot();
  // Node flags of a worker are inherited by its sandboxed processors (BullMQ forks them with the worker's execArgv).
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin', 'tsflow.js'), 'worker'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep stdout clean for the BENCH_JSON line: worker logs go to stderr.
  child.stdout?.pipe(process.stderr);
  child.stderr?.pipe(process.stderr);
  workers.add(child);
  child.once('exit', () => workers.delete(child));
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(timer);
}

interface GridRun {
  submittedAt: number;
  submitMs: number;
  status: any;
}

async function runGrid(base: string, body: unknown): Promise<GridRun> {
  const submittedAt = Date.now();
  const sub = await rest(base, 'POST', '/api/v1/training/grid-searches', body);
  const submitMs = Date.now() - submittedAt;
  for (;;) {
    const status = await rest(base, 'GET', `/api/v1/training/grid-searches/${sub.job_id}`);
    if (['completed', 'failed', 'cancelled'].includes(status.state)) {
      if (status.state !== 'completed')
        throw new Error(`grid ${sub.job_id} ended ${status.state}: ${status.error ?? ''}`);
      return { submittedAt, submitMs, status };
    }
    await sleep(250);
  }
}

interface CandidateCost {
  worker: string;
  queuedAt: number;
  processedOn: number;
  finishedOn: number;
  epochs: number;
  epoch_ms: number;
  train_ms: number;
  job_ms: number;
  setup_ms: number;
  eval_ms: number;
  artifacts_ms: number;
  finish_ms: number;
}

/** Splits one candidate's job into training and the rest, from BullMQ and tracking timestamps. */
async function candidateCost(base: string, redis: IORedis, prefix: string, c: any): Promise<CandidateCost> {
  const job = await redis.hgetall(`${prefix}:bull:training:${c.job_id}`);
  const run = (await rest(base, 'GET', `/api/2.0/mlflow/runs/get?run_id=${c.run_id}`)).run;
  const history = await rest(
    base,
    'GET',
    `/api/2.0/mlflow/metrics/get-history?run_id=${c.run_id}&metric_key=loss&max_results=25000`,
  );
  const ts = (history.metrics as { step: number; timestamp: number }[])
    .sort((a, b) => a.step - b.step)
    .map((m) => m.timestamp);
  const finalMetricsAt = (run.data.metrics as { key: string; timestamp: number }[]).find(
    (m) => m.key === 'val_mae',
  )!.timestamp;
  const processedOn = Number(job.processedOn);
  const finishedOn = Number(job.finishedOn);
  // Training = the measured epochs 2..n plus the first one at the median epoch time; the rest of
  // the first epoch (graph building, warm-up) counts as setup.
  const epochMs = median(ts.slice(1).map((t, i) => t - ts[i]));
  const trainMs = ts[ts.length - 1] - ts[0] + epochMs;
  return {
    worker: job.pb,
    queuedAt: Number(job.timestamp),
    processedOn,
    finishedOn,
    epochs: ts.length,
    epoch_ms: epochMs,
    train_ms: trainMs,
    job_ms: finishedOn - processedOn,
    setup_ms: ts[0] - processedOn - epochMs,
    eval_ms: finalMetricsAt - ts[ts.length - 1],
    artifacts_ms: Number(run.info.end_time) - finalMetricsAt,
    finish_ms: finishedOn - Number(run.info.end_time),
  };
}

/**
 * Queue hand-off, per worker: for its first job, queued → started (an idle worker woken by the
 * new job); for the next ones, the gap between finishing a job and starting the next.
 */
function handOffs(costs: CandidateCost[]): { dispatch: number[]; pickup: number[] } {
  const byWorker = new Map<string, CandidateCost[]>();
  for (const c of costs) byWorker.set(c.worker, [...(byWorker.get(c.worker) ?? []), c]);
  const dispatch: number[] = [];
  const pickup: number[] = [];
  for (const list of byWorker.values()) {
    list.sort((a, b) => a.processedOn - b.processedOn);
    dispatch.push(list[0].processedOn - list[0].queuedAt);
    for (let i = 1; i < list.length; i++) pickup.push(list[i].processedOn - list[i - 1].finishedOn);
  }
  return { dispatch, pickup };
}

async function warmUp(base: string, redis: IORedis, prefix: string, pids: number[]): Promise<void> {
  const names = new Set(pids.map((pid) => `${os.hostname()}:${pid}`));
  for (let round = 0; round < 5 && names.size > 0; round++) {
    const { status } = await runGrid(base, warmUpBody(pids.length));
    for (const c of status.candidates)
      names.delete((await redis.hget(`${prefix}:bull:training:${c.job_id}`, 'pb')) ?? '');
  }
  if (names.size > 0) throw new Error(`workers never took a job: ${[...names].join(', ')}`);
}

interface CpuWindow {
  machineBusy: number;
  ours: number;
  workers: number;
}

function summarise(n: number, epochs: number, grid: GridRun, costs: CandidateCost[], cpu: CpuWindow, load: number) {
  const count = costs.length;
  const wallMs = grid.status.updated_at - grid.submittedAt;
  const busyMs = Math.max(...costs.map((c) => c.finishedOn)) - Math.min(...costs.map((c) => c.processedOn));
  const { dispatch, pickup } = handOffs(costs);
  const med = (k: keyof CandidateCost) => round(median(costs.map((c) => c[k] as number)));
  const submit = grid.submitMs / count;
  const outsideJob = median(costs.map((c) => c.job_ms - c.train_ms));
  return {
    workers: n,
    candidates: count,
    epochs,
    wall_ms: wallMs,
    candidates_per_minute: round((count * 60_000) / wallMs, 2),
    busy_candidates_per_minute: round((count * 60_000) / busyMs, 2),
    workers_used: new Set(costs.map((c) => c.worker)).size,
    // Cores: our processes (bench, server, workers and their sandboxes) and everything else on the machine.
    our_cpu_cores: round(cpu.ours / wallMs, 2),
    other_cpu_cores: round((cpu.machineBusy - cpu.ours) / wallMs, 2),
    worker_cpu_ms_per_candidate: round(cpu.workers / count),
    median_epoch_ms: med('epoch_ms'),
    median_train_ms: med('train_ms'),
    median_job_ms: med('job_ms'),
    overhead_per_candidate_ms: {
      submit: round(submit, 1),
      dispatch_first_job: round(median(dispatch)),
      pickup: round(median(pickup)),
      setup: med('setup_ms'),
      eval: med('eval_ms'),
      artifacts: med('artifacts_ms'),
      finish: med('finish_ms'),
      total: round(submit + (Number.isFinite(median(pickup)) ? median(pickup) : 0) + outsideJob),
    },
    loadavg_1m_before: round(load, 2),
  };
}

async function measure(
  base: string,
  serverPid: number,
  redis: IORedis,
  env: Record<string, string>,
  n: number,
  o: { epochs: number; nodeArgs: string[] },
) {
  const children = Array.from({ length: n }, () => startWorker(env, o.nodeArgs));
  const pids = children.map((c) => c.pid as number);
  const cpuNow = (): CpuWindow => ({
    machineBusy: machineBusyMs(),
    ours: treeCpuMs([process.pid, serverPid, ...pids]),
    workers: treeCpuMs(pids),
  });
  try {
    await warmUp(base, redis, env.TSFLOW_REDIS_PREFIX, pids);
    const load = os.loadavg()[0];
    const before = cpuNow();
    const grid = await runGrid(base, gridBody(o.epochs, `bench-${n}-workers`));
    const after = cpuNow();
    const costs = await Promise.all(
      grid.status.candidates.map((c: any) => candidateCost(base, redis, env.TSFLOW_REDIS_PREFIX, c)),
    );
    const cpu = {
      machineBusy: after.machineBusy - before.machineBusy,
      ours: after.ours - before.ours,
      workers: after.workers - before.workers,
    };
    return summarise(n, o.epochs, grid, costs, cpu, load);
  } finally {
    await Promise.all(children.map(stopWorker));
  }
}

/** Grid and halving on the same space, alternating (grid, halving, grid, ...), with the same workers. */
async function measureStrategies(
  base: string,
  redis: IORedis,
  env: Record<string, string>,
  o: { strategyWorkers: number; strategyEpochs: number; repeat: number; nodeArgs: string[] },
): Promise<StrategyRun[]> {
  const children = Array.from({ length: o.strategyWorkers }, () => startWorker(env, o.nodeArgs));
  const runs: StrategyRun[] = [];
  try {
    await warmUp(
      base,
      redis,
      env.TSFLOW_REDIS_PREFIX,
      children.map((c) => c.pid as number),
    );
    for (let i = 0; i < o.repeat; i++) {
      for (const strategy of ['grid', 'halving'] as const) {
        process.stderr.write(`grid bench: strategy ${strategy} (${i + 1}/${o.repeat})...\n`);
        const load = os.loadavg()[0];
        const run = await runGrid(base, strategyBody(strategy, o.strategyEpochs));
        runs.push(strategyRun(strategy, o.strategyEpochs, run.submittedAt, run.status, load));
      }
    }
  } finally {
    await Promise.all(children.map(stopWorker));
  }
  return runs;
}

async function deleteKeys(redis: IORedis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

function options() {
  const { values } = parseArgs({
    options: {
      parts: { type: 'string' },
      workers: { type: 'string' },
      'strategy-workers': { type: 'string' },
      'strategy-epochs': { type: 'string' },
      epochs: { type: 'string' },
      repeat: { type: 'string' },
      'node-args': { type: 'string' },
      redis: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const counts = (values.workers ?? '1,2').split(',').map(Number);
  const epochs = Number(values.epochs ?? 10);
  const repeat = Number(values.repeat ?? 2);
  const parts = (values.parts ?? 'workers,strategies').split(',');
  const strategyWorkers = Number(values['strategy-workers'] ?? 1);
  const strategyEpochs = Number(values['strategy-epochs'] ?? 9);
  const bad =
    parts.some((p) => p !== 'workers' && p !== 'strategies') ||
    !Number.isInteger(strategyWorkers) ||
    strategyWorkers < 1 ||
    !Number.isInteger(strategyEpochs) ||
    strategyEpochs < 2 ||
    counts.some((n) => !Number.isInteger(n) || n < 1 || n > 16) ||
    !Number.isInteger(epochs) ||
    epochs < 2 ||
    !Number.isInteger(repeat) ||
    repeat < 1;
  if (bad) throw new Error(`invalid options\n${USAGE}`);
  const nodeArgs = values['node-args'] ? values['node-args'].split(',').map((a) => a.trim()) : [];
  return {
    parts,
    strategyWorkers,
    strategyEpochs,
    counts,
    epochs,
    repeat,
    nodeArgs,
    redisUrl: values.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}

async function main(): Promise<void> {
  const o = options();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-grid-'));
  const prefix = `tsflow-bench-grid-${randomUUID().slice(0, 8)}`;
  const env = {
    REDIS_URL: o.redisUrl,
    TSFLOW_REDIS_PREFIX: prefix,
    MLFLOW_BACKEND_STORE_URI: `sqlite:///${path.join(dir, 'tsflow.db')}`,
    MLFLOW_ARTIFACTS_DESTINATION: path.join(dir, 'artifacts'),
    TSFLOW_WORKER_CONCURRENCY: '1',
    LOG_LEVEL: 'warn',
  };
  const redis = new IORedis(o.redisUrl, { maxRetriesPerRequest: 1 });
  const server = await startServerProcess({ env });
  const results: Awaited<ReturnType<typeof measure>>[] = [];
  let strategies: StrategyRun[] = [];
  try {
    if (o.parts.includes('workers'))
      for (const n of o.counts) {
        process.stderr.write(`grid bench: ${n} worker(s)...\n`);
        for (let i = 0; i < o.repeat; i++) results.push(await measure(server.url, server.pid, redis, env, n, o));
      }
    if (o.parts.includes('strategies')) strategies = await measureStrategies(server.url, redis, env, o);
  } finally {
    await server.stop();
    await deleteKeys(redis, prefix).catch(() => undefined);
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // On a shared machine other tenants only ever slow a run down: the best of the repeats is the least disturbed.
  const best = (n: number) =>
    results.filter((r) => r.workers === n).sort((a, b) => b.candidates_per_minute - a.candidates_per_minute)[0];
  const one = best(1);
  const two = best(2);
  const speedup = one && two ? round(two.candidates_per_minute / one.candidates_per_minute, 2) : undefined;
  const report = {
    bench: 'grid',
    node: process.version,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model,
    grid: gridBody(o.epochs, 'bench'),
    repeat: o.repeat,
    worker_node_args: o.nodeArgs,
    results,
    speedup_2_vs_1: speedup,
    speedup_target: 1.8,
    speedup_met: speedup === undefined ? undefined : speedup >= 1.8,
    strategies: strategies.length
      ? {
          workers: o.strategyWorkers,
          space: strategyBody('halving', o.strategyEpochs),
          runs: strategies,
          ...summariseStrategies(strategies),
        }
      : undefined,
  };
  printJsonLine(report);
  const file = writeResults(path.join(repoRoot(), 'bench', 'results'), 'grid', report);
  if (results.length) printWorkers(results, speedup);
  if (strategies.length) printStrategies(strategies);
  process.stdout.write(`results: ${file}\n`);
}

function printWorkers(results: Awaited<ReturnType<typeof measure>>[], speedup: number | undefined): void {
  const rows = results.map((r) => [
    r.workers,
    r.candidates,
    round(r.wall_ms / 1000, 1),
    r.candidates_per_minute,
    r.median_epoch_ms,
    r.median_train_ms,
    r.median_job_ms,
    r.overhead_per_candidate_ms.submit,
    r.overhead_per_candidate_ms.dispatch_first_job,
    r.overhead_per_candidate_ms.pickup,
    r.overhead_per_candidate_ms.setup,
    r.overhead_per_candidate_ms.eval,
    r.overhead_per_candidate_ms.artifacts,
    r.overhead_per_candidate_ms.finish,
    r.overhead_per_candidate_ms.total,
    r.worker_cpu_ms_per_candidate,
    r.other_cpu_cores,
  ]);
  process.stdout.write(
    `\n${table(['workers', 'cands', 'wall s', 'cand/min', 'epoch ms', 'train ms', 'job ms', 'submit', 'dispatch', 'pickup', 'setup', 'eval', 'artifacts', 'finish', 'overhead ms', 'cpu ms/cand', 'other cores'], rows)}\n`,
  );
  process.stdout.write(`\nspeedup 2 vs 1 workers: ${speedup ?? '-'} (target >= 1.8)\n`);
}

function printStrategies(runs: StrategyRun[]): void {
  const rows = runs.map((r) => [
    r.strategy,
    r.candidates,
    r.pruned,
    round(r.wall_ms / 1000, 1),
    r.candidates_per_minute,
    r.epochs_trained,
    r.best_val_mae,
    JSON.stringify(r.best_params),
    r.loadavg_1m_before,
  ]);
  const sum = summariseStrategies(runs);
  process.stdout.write(
    `\n${table(['strategy', 'cands', 'pruned', 'wall s', 'cand/min', 'epochs', 'best val_mae', 'best params', 'load 1m'], rows)}\n`,
  );
  process.stdout.write(
    `\nhalving vs grid, candidates per minute (medians): ${sum.halving_vs_grid_candidates_per_minute}x; ` +
      `halving found the grid's best: ${sum.halving_found_grid_best ? 'yes' : 'NO'}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
