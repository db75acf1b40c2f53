import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  cleanBars,
  loadPredictor,
  parseParams,
  readBundledCsv,
  trainForecaster,
  writeMlflowModel,
} from '../src/training/core';
import { percentile, runLoad, LoadResult } from './lib/load';
import { benchOnnx } from './lib/onnx-serving';
import { printJsonLine, table, writeResults } from './lib/report';
import { repoRoot, startServerProcess, ServerProcess } from './lib/server-process';

/**
 * Serving benchmark: for the small and the reference LSTM, the in-process forward pass of one
 * window, then POST /predict through a real server process at 1, 16 and 64 concurrent
 * keep-alive clients (autocannon), and a champion swap under load. Targets: HTTP median at
 * concurrency 1 within 1.5x the forward pass + 1 ms; zero failed requests during the swap.
 */
const USAGE = `Usage: node dist/bench/serving.bench.js [options]
  --models A,B       small,reference,onnx (default all three; onnx: the small MLP fixture via /invocations)
  --duration S       seconds per load level (default 8)
  --concurrency A,B  concurrent clients (default 1,16,64)
  --calls N          in-process forward passes for the median (default 300)
`;

const MODELS: Record<string, { label: string; params: Record<string, unknown> }> = {
  small: { label: 'window 20, LSTM(32)', params: { seq_length: 20, layers: 1, units: 32, dropout: 0.2 } },
  reference: {
    label: 'window 60, LSTM(50)x2, dropout 0.2',
    params: { seq_length: 60, layers: 2, units: 50, dropout: 0.2 },
  },
};

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function options() {
  const { values } = parseArgs({
    options: {
      models: { type: 'string' },
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      calls: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const models = (values.models ?? 'small,reference,onnx').split(',').map((s) => s.trim());
  const unknown = models.filter((m) => !MODELS[m] && m !== 'onnx');
  if (unknown.length)
    throw new Error(`unknown model(s) ${unknown.join(', ')}; known: ${Object.keys(MODELS).join(', ')}`);
  return {
    models,
    duration: Number(values.duration ?? 8),
    concurrency: (values.concurrency ?? '1,16,64').split(',').map(Number),
    calls: Number(values.calls ?? 300),
  };
}

/** Trains one epoch on MSFT 2015..mid-2024 (about 1700 training windows) and writes the model directory. */
async function trainModel(name: string, dir: string): Promise<string> {
  const bars = cleanBars(
    readBundledCsv('MSFT.csv').filter((b) => b.date >= '2015-01-01' && b.date <= '2024-06-30'),
  ).bars;
  const started = performance.now();
  const result = await trainForecaster({
    bars,
    params: parseParams({ ...MODELS[name].params, epochs: 1, batch_size: 32 }),
  });
  log(`  trained ${name} (1 epoch) in ${((performance.now() - started) / 1000).toFixed(1)} s on ${result.backend}`);
  const modelDir = path.join(dir, name, 'model');
  await writeMlflowModel(modelDir, { model: result.model, preprocessing: result.preprocessing });
  result.model.dispose();
  return modelDir;
}

/** Median and p99 of one forward pass of a single window, in this process. */
async function forwardPass(modelDir: string, calls: number) {
  const predictor = await loadPredictor(modelDir);
  const window = predictor.preprocessing.last_window.values.map((r) => r[0]);
  for (let i = 0; i < 30; i++) predictor.predict(window);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    predictor.predict(window);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const backend = predictor.backend;
  predictor.dispose();
  return { window, backend, medianMs: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)) };
}

async function json(base: string, method: string, p: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

function files(dir: string, rel = ''): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(dir, `${rel}${e.name}/`) : [`${rel}${e.name}`]));
}

/** Logs `modelDir` as a run's `model` artifact over REST and promotes it; returns the version. */
async function publish(base: string, model: string, modelDir: string): Promise<string> {
  const run = (await json(base, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' })).run.info;
  await json(base, 'POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: run.run_id,
    params: [
      { key: 'ticker', value: 'MSFT' },
      { key: 'data_source', value: 'sample' },
    ],
  });
  const root = String(run.artifact_uri).replace(/^mlflow-artifacts:\/*/, '');
  for (const rel of files(modelDir)) {
    const res = await fetch(`${base}/api/2.0/mlflow-artifacts/artifacts/${root}/model/${rel}`, {
      method: 'PUT',
      body: fs.readFileSync(path.join(modelDir, rel)),
    });
    if (!res.ok) throw new Error(`upload ${rel}: ${res.status}`);
  }
  return (await json(base, 'POST', `/api/v1/models/${model}/champion`, { run_id: run.run_id })).champion.version;
}

async function servedVersion(
  base: string,
  model: string,
  window: number[],
): Promise<{ version: string; backend: string } | undefined> {
  const res = await fetch(`${base}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, values: window }),
  });
  const body = (await res.json()) as any;
  return res.ok ? body.model : undefined;
}

async function waitForVersion(base: string, model: string, window: number[], version: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const served = await servedVersion(base, model, window);
    if (served?.version === version) return served.backend;
    if (Date.now() > deadline) throw new Error(`${model} version ${version} not served after 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface LevelResult extends LoadResult {
  concurrency: number;
}

async function benchModel(server: ServerProcess, name: string, modelDir: string, o: ReturnType<typeof options>) {
  const forward = await forwardPass(modelDir, o.calls);
  const version = await publish(server.url, name, modelDir);
  const serverBackend = await waitForVersion(server.url, name, forward.window, version);
  const body = JSON.stringify({ model: name, values: forward.window });
  const levels: LevelResult[] = [];
  for (const concurrency of o.concurrency) {
    await runLoad({
      url: server.url,
      connections: concurrency,
      durationSec: 1,
      next: () => ({ method: 'POST', path: '/predict', body }),
    }); // warm-up
    const r = await runLoad({
      url: server.url,
      connections: concurrency,
      durationSec: o.duration,
      next: () => ({ method: 'POST', path: '/predict', body }),
    });
    log(
      `  ${name} c=${concurrency}: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.reqPerSec} req/s, errors ${r.errors + r.non2xx}`,
    );
    levels.push({ concurrency, ...r });
  }
  // Swap under load: promote a new version (same files) midway through a 16-client run.
  const load = runLoad({
    url: server.url,
    connections: 16,
    durationSec: o.duration,
    next: () => ({ method: 'POST', path: '/predict', body }),
  });
  await new Promise((r) => setTimeout(r, (o.duration * 1000) / 3));
  const promotedAt = performance.now();
  const next = await publish(server.url, name, modelDir);
  await waitForVersion(server.url, name, forward.window, next);
  const switchMs = round(performance.now() - promotedAt, 0);
  const swap = await load;
  log(
    `  ${name} swap under load (16 clients): ${swap.requests} requests, ${swap.errors + swap.non2xx} failed, version ${next} served after ${switchMs} ms`,
  );
  const c1 = levels.find((l) => l.concurrency === 1);
  const target = round(1.5 * forward.medianMs + 1);
  return {
    model: name,
    architecture: MODELS[name].label,
    backend: serverBackend,
    forward_median_ms: forward.medianMs,
    forward_p99_ms: forward.p99Ms,
    levels: levels.map((l) => ({
      concurrency: l.concurrency,
      p50_ms: l.p50Ms,
      p99_ms: l.p99Ms,
      req_per_sec: l.reqPerSec,
      requests: l.requests,
      failed: l.errors + l.non2xx + l.timeouts,
      first_failure: l.firstFailure,
    })),
    c1_target_ms: target,
    c1_meets_target: c1 ? c1.p50Ms <= target : undefined,
    swap: {
      requests: swap.requests,
      failed: swap.errors + swap.non2xx + swap.timeouts,
      switch_ms: switchMs,
      p99_ms: swap.p99Ms,
      first_failure: swap.firstFailure,
    },
  };
}

async function main(): Promise<void> {
  const o = options();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-serving-bench-'));
  let server: ServerProcess | undefined;
  try {
    log('training the benchmark models...');
    const lstms = o.models.filter((m) => m !== 'onnx');
    const modelDirs: Record<string, string> = {};
    for (const name of lstms) modelDirs[name] = await trainModel(name, dir);
    server = await startServerProcess({
      env: {
        MLFLOW_BACKEND_STORE_URI: `sqlite:///${path.join(dir, 'tsflow.db')}`,
        MLFLOW_ARTIFACTS_DESTINATION: path.join(dir, 'artifacts'),
        REDIS_URL: '',
      },
    });
    const results = [];
    for (const name of lstms) results.push(await benchModel(server, name, modelDirs[name], o));
    await server.stop();
    server = undefined;
    const onnx = o.models.includes('onnx') ? await benchOnnx(dir, o) : undefined;
    const rows = results.flatMap((r) =>
      r.levels.map((l) => [
        r.model,
        r.forward_median_ms,
        l.concurrency,
        l.p50_ms,
        l.p99_ms,
        l.req_per_sec,
        l.failed,
        l.concurrency === 1 ? `${r.c1_target_ms}` : '',
        l.concurrency === 1 ? r.c1_meets_target : undefined,
      ]),
    );
    if (rows.length)
      process.stdout.write(
        `\n${table(['model', 'forward ms', 'clients', 'p50 ms', 'p99 ms', 'req/s', 'failed', 'c1 target', 'meets'], rows)}\n\n`,
      );
    if (results.length)
      process.stdout.write(
        `${table(
          ['model', 'swap requests', 'failed', 'switch ms', 'p99 ms'],
          results.map((r) => [r.model, r.swap.requests, r.swap.failed, r.swap.switch_ms, r.swap.p99_ms]),
        )}\n\n`,
      );
    if (onnx) {
      const side = (b: typeof onnx.batched) => [
        [`c=1 (sequential)`, b.c1.p50Ms, b.c1.p99Ms, ''],
        ...b.levels.map((l) => [`c=${l.clients}`, l.p50_ms, l.p99_ms, l.req_per_sec]),
      ];
      const rows = side(onnx.batched).map((r, i) => [...r, ...side(onnx.unbatched)[i].slice(1)]);
      process.stdout.write(
        `ONNX mlp2 via /invocations (session run ${onnx.session_run_median_ms} ms in process)\n${table(
          ['clients', 'batched p50', 'p99', 'req/s', 'unbatched p50', 'p99', 'req/s'],
          rows,
        )}\nswap under 16 clients: ${onnx.batched.swap?.requests} requests, ${onnx.batched.swap?.failed} failed; load average ${onnx.loadavg_after.join(' ')}\n\n`,
      );
    }
    const result = {
      benchmark: 'serving',
      loadavg: os.loadavg(),
      onnx,
      cpus: os.cpus().length,
      node: process.version,
      duration_sec: o.duration,
      results,
    };
    printJsonLine(result);
    log(`results: ${writeResults(path.join(repoRoot(), 'bench', 'results'), 'serving', result)}`);
  } finally {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
