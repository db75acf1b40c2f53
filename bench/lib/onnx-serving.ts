import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chooseRuntime } from '../../src/serving/runtimes/mlmodel';
import { OnnxModel } from '../../src/serving/runtimes/onnx-model';
import { pyfuncInput } from '../../src/serving/scoring/pyfunc-input';
import { percentile, runLoad } from './load';
import { repoRoot, startServerProcess } from './server-process';

/**
 * ONNX champion serving: the small MLP fixture (4 → 16 → 8 → two heads, a PyTorch export) as
 * champion, scored with `{"inputs": [[4 floats]]}` through POST /invocations. Measures the
 * in-process session run, HTTP latency of sequential requests (one keep-alive client, the
 * < 1 ms p50 target), throughput at 16 and 64 clients with micro-batching on and off
 * (TSFLOW_ONNX_MAX_BATCH=1), and an alias move under 16 clients (failed requests must be 0).
 */

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const FIXTURE = () => path.join(repoRoot(), 'test', 'fixtures', 'onnx', 'mlp2');
const BODY = JSON.stringify({ inputs: [[0.3, -1.2, 0.5, 2.0]] });

async function call(base: string, method: string, p: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

/** As an MLflow client logs and registers a model: run, artifact uploads, version, alias. */
async function registerVersion(base: string, name: string, alias: boolean): Promise<string> {
  const run = (await call(base, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' })).run.info;
  const root = String(run.artifact_uri).replace(/^mlflow-artifacts:\/*/, '');
  for (const file of ['MLmodel', 'model.onnx']) {
    const res = await fetch(`${base}/api/2.0/mlflow-artifacts/artifacts/${root}/model/${file}`, {
      method: 'PUT',
      body: fs.readFileSync(path.join(FIXTURE(), file)),
    });
    if (!res.ok) throw new Error(`upload ${file}: ${res.status}`);
  }
  await call(base, 'POST', '/api/2.0/mlflow/registered-models/create', { name }).catch(() => undefined); // exists
  const source = `runs:/${run.run_id}/model`;
  const v = await call(base, 'POST', '/api/2.0/mlflow/model-versions/create', { name, source, run_id: run.run_id });
  const version = String(v.model_version.version);
  if (alias) await call(base, 'POST', '/api/2.0/mlflow/registered-models/alias', { name, alias: 'champion', version });
  return version;
}

/** Median session run of one request, in this process (no HTTP). */
async function inProcess(calls: number): Promise<{ medianMs: number; p99Ms: number }> {
  const choice = chooseRuntime(fs.readFileSync(path.join(FIXTURE(), 'MLmodel'), 'utf8'), () => true);
  if (choice.runtime !== 'onnx') throw new Error('fixture is not an ONNX model');
  const model = await OnnxModel.create(path.join(FIXTURE(), choice.file), choice.schema, 'bench');
  const input = pyfuncInput({ format: 'inputs', value: [[0.3, -1.2, 0.5, 2.0]], params: {} });
  const times: number[] = [];
  for (let i = 0; i < calls + 100; i++) {
    const t = performance.now();
    await model.predict(input);
    if (i >= 100) times.push(performance.now() - t);
  }
  model.dispose();
  times.sort((a, b) => a - b);
  return { medianMs: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)) };
}

/** One keep-alive client sending requests back to back: sub-millisecond latency percentiles. */
async function sequential(
  base: string,
  requests: number,
  route = { method: 'POST', path: '/invocations?model=mlp' },
): Promise<{ p50Ms: number; p99Ms: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(`${base}${route.path}`);
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        url,
        { method: route.method, agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(route.method === 'POST' ? BODY : undefined);
    });
  const times: number[] = [];
  for (let i = 0; i < requests + 200; i++) {
    const t = performance.now();
    await once();
    if (i >= 200) times.push(performance.now() - t);
  }
  agent.destroy();
  times.sort((a, b) => a - b);
  return { p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)) };
}

const invocations = () => ({ method: 'POST' as const, path: '/invocations?model=mlp', body: BODY });

async function server(dir: string, maxBatch: number, o: { duration: number; requests: number }) {
  const run = path.join(dir, `onnx-${maxBatch}`);
  const srv = await startServerProcess({
    env: {
      MLFLOW_BACKEND_STORE_URI: `sqlite:///${path.join(run, 'tsflow.db')}`,
      MLFLOW_ARTIFACTS_DESTINATION: path.join(run, 'artifacts'),
      REDIS_URL: '',
      TSFLOW_ONNX_MAX_BATCH: String(maxBatch),
    },
  });
  try {
    await registerVersion(srv.url, 'mlp', true);
    await runLoad({ url: srv.url, connections: 4, durationSec: 1, next: invocations }); // loads and warms
    const c1 = await sequential(srv.url, o.requests);
    // The HTTP floor on this machine now: the cheapest route, same client, same load.
    const floor = await sequential(srv.url, o.requests, { method: 'GET', path: '/version' });
    const levels = [];
    for (const connections of [16, 64]) {
      const r = await runLoad({ url: srv.url, connections, durationSec: o.duration, next: invocations });
      levels.push({
        clients: connections,
        p50_ms: r.p50Ms,
        p99_ms: r.p99Ms,
        req_per_sec: r.reqPerSec,
        failed: r.errors + r.non2xx + r.timeouts,
      });
    }
    let swap;
    if (maxBatch > 1) {
      const next = await registerVersion(srv.url, 'mlp', false);
      const load = runLoad({ url: srv.url, connections: 16, durationSec: o.duration, next: invocations });
      await new Promise((r) => setTimeout(r, (o.duration * 1000) / 3));
      await call(srv.url, 'POST', '/api/2.0/mlflow/registered-models/alias', {
        name: 'mlp',
        alias: 'champion',
        version: next,
      });
      const r = await load;
      const champion = await call(srv.url, 'GET', '/api/v1/models/mlp/champion');
      swap = {
        requests: r.requests,
        failed: r.errors + r.non2xx + r.timeouts,
        served_version: champion.champion.version,
      };
    }
    return { max_batch: maxBatch, c1, http_floor_get_version: floor, levels, swap };
  } finally {
    await srv.stop();
  }
}

export async function benchOnnx(dir: string, o: { duration: number; calls: number }) {
  log('ONNX champion (small MLP, PyTorch export)...');
  const loadBefore = os.loadavg();
  const forward = await inProcess(o.calls);
  const batched = await server(dir, 64, { duration: o.duration, requests: o.calls * 5 });
  const unbatched = await server(dir, 1, { duration: o.duration, requests: o.calls * 5 });
  const result = {
    model: 'mlp2 (onnx)',
    session_run_median_ms: forward.medianMs,
    session_run_p99_ms: forward.p99Ms,
    batched,
    unbatched,
    c1_target_ms: 1,
    c1_meets_target: batched.c1.p50Ms < 1,
    loadavg_before: loadBefore.map((x) => round(x, 2)),
    loadavg_after: os.loadavg().map((x) => round(x, 2)),
  };
  log(
    `  session run ${forward.medianMs} ms; HTTP c=1 p50 ${batched.c1.p50Ms} ms (target < 1 ms; GET /version ${batched.http_floor_get_version.p50Ms} ms), load ${result.loadavg_after.join(' ')}`,
  );
  return result;
}
