import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { http } from './server';
import { logModelRun } from './serving';

/**
 * ONNX serving fixtures: the PyTorch exports under test/fixtures/onnx/ (made by
 * scripts/make-onnx-fixtures.py), logged and registered through the MLflow REST API the way
 * `mlflow.onnx.log_model(..., registered_model_name=...)` and `set_registered_model_alias` do.
 */

export const ONNX_FIXTURES = path.join(__dirname, '../fixtures/onnx');
/** PyTorch and ONNX Runtime run the same float32 ops: answers agree to 1e-5 (absolute, or relative above 1). */
export const ONNX_TOLERANCE = 1e-5;

export interface OnnxCase {
  inputs: Record<string, number[][]>;
  outputs: Record<string, number[][]>;
}

export function expectedCases(fixture: string): OnnxCase[] {
  return JSON.parse(fs.readFileSync(path.join(ONNX_FIXTURES, fixture, 'expected.json'), 'utf8')).cases;
}

/** A copy of a fixture with files replaced (a corrupt model.onnx, another MLmodel). */
export function variant(fixture: string, files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-onnx-'));
  fs.cpSync(path.join(ONNX_FIXTURES, fixture), dir, { recursive: true });
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

async function ok(res: ReturnType<typeof http>, what: string) {
  const r = await res;
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.body;
}

/** Logs `dir` as a run's `model`, registers it (source `runs:/<id>/model`) and returns the version. */
export async function registerOnnx(base: string, name: string, dir: string, alias?: string): Promise<string> {
  const runId = await logModelRun(base, dir, {});
  const api = (p: string, body: unknown) => ok(http(base, 'POST', `/api/2.0/mlflow/${p}`, body), p);
  const existing = await http(base, 'GET', `/api/2.0/mlflow/registered-models/get?name=${encodeURIComponent(name)}`);
  if (existing.status === 404) await api('registered-models/create', { name });
  const created = await api('model-versions/create', { name, source: `runs:/${runId}/model`, run_id: runId });
  const version = String(created.model_version.version);
  if (alias) await api('registered-models/alias', { name, alias, version });
  return version;
}

export const setAlias = (base: string, name: string, alias: string, version: string) =>
  ok(http(base, 'POST', '/api/2.0/mlflow/registered-models/alias', { name, alias, version }), 'alias');
