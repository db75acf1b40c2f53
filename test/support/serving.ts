import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  cleanBars,
  CleanBar,
  loadPredictor,
  parseParams,
  Predictor,
  readBundledCsv,
  trainForecaster,
  writeMlflowModel,
} from '../../src/training/core';
import { http } from './server';

/**
 * Serving test fixtures: tiny models trained with the real training core in the test
 * process, logged to a run through the real REST API (params + mlflow-artifacts uploads, as
 * a training job does), then promoted with the champion API.
 */

export interface TinyModel {
  /** Local MLflow model directory (MLmodel, preprocessing.json, tfjs-model/). */
  dir: string;
  /** The same model loaded in the test process, to compute expected answers. */
  predictor: Predictor;
}

export function msftBars(from = '2023-01-01', to = '9999-12-31'): CleanBar[] {
  return cleanBars(readBundledCsv('MSFT.csv').filter((b) => b.date >= from && b.date <= to)).bars;
}

const created: string[] = [];

/**
 * Trains a tiny LSTM on MSFT 2023-01..2024-06 (about a second) and writes its model directory.
 * The level target by default: preprocessing.json format 1, the format of every model trained
 * before the return target, so these suites keep proving that legacy models serve.
 */
export async function trainTinyModel(params: Record<string, unknown> = {}): Promise<TinyModel> {
  const p = parseParams({ target: 'level', seq_length: 5, units: 4, epochs: 1, batch_size: 64, ...params });
  const result = await trainForecaster({ bars: msftBars('2023-01-01', '2024-06-30'), params: p });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-tiny-'));
  created.push(root);
  const dir = path.join(root, 'model');
  try {
    await writeMlflowModel(dir, { model: result.model, preprocessing: result.preprocessing });
  } finally {
    result.model.dispose();
  }
  return { dir, predictor: await loadPredictor(dir) };
}

export function removeTinyModels(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

function files(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const child = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? files(dir, child) : [child];
  });
}

async function ok(res: Promise<{ status: number; body: any; text: string }>, what: string): Promise<any> {
  const r = await res;
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.body;
}

/**
 * A finished run holding `modelDir` as its `model` artifact, with the dataset params a
 * training job logs. `modelDir` null logs a run without model files (a load must fail).
 */
export async function logModelRun(
  base: string,
  modelDir: string | null,
  params: Record<string, string> = { ticker: 'MSFT', data_source: 'sample' },
): Promise<string> {
  const run = (await ok(http(base, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' }), 'runs/create')).run
    .info;
  await ok(
    http(base, 'POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: run.run_id,
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
    }),
    'log-batch',
  );
  const root = String(run.artifact_uri).replace(/^mlflow-artifacts:\/*/, '');
  for (const rel of modelDir ? files(modelDir) : ['MLmodel']) {
    const body = modelDir ? fs.readFileSync(path.join(modelDir, rel)) : Buffer.from('flavors: {}\n');
    const res = await fetch(`${base}/api/2.0/mlflow-artifacts/artifacts/${root}/model/${rel}`, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (res.status !== 200) throw new Error(`upload ${rel}: ${res.status} ${await res.text()}`);
  }
  await ok(
    http(base, 'POST', '/api/2.0/mlflow/runs/update', { run_id: run.run_id, status: 'FINISHED', end_time: Date.now() }),
    'runs/update',
  );
  return run.run_id as string;
}

/**
 * Promotes (registering the run's model as a new version); returns the new version. `force`:
 * also a run that loses significantly to persistence (a test that needs a bad champion).
 */
export async function promote(base: string, model: string, runId: string, force = false): Promise<string> {
  const body = await ok(
    http(base, 'POST', `/api/v1/models/${encodeURIComponent(model)}/champion`, {
      run_id: runId,
      ...(force ? { force } : {}),
    }),
    'promote',
  );
  return body.champion.version as string;
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
