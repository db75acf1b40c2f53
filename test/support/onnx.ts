import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { expect } from 'vitest';
import { LM, Mlflow3Api, ModelFiles } from './mlflow3';
import { http } from './server';
import { logModelRun } from './serving';
import { kvObject } from './tracking';

/**
 * ONNX serving fixtures: the PyTorch exports under test/fixtures/onnx/ (made by
 * scripts/make-onnx-fixtures.py), logged and registered through the MLflow REST API the way
 * `mlflow.onnx.log_model(..., registered_model_name=...)` and `set_registered_model_alias` do:
 * as an MLflow 2.x client (a run's `model/`, `runs:/` source) or a 3.x one (a logged model,
 * `models:/<model_id>` source).
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

/** Within ONNX_TOLERANCE of the framework's number (nested arrays element by element). */
export function near(actual: unknown, expected: unknown): void {
  if (Array.isArray(expected)) {
    expect(actual).toHaveLength(expected.length);
    expected.forEach((e, i) => near((actual as unknown[])[i], e));
    return;
  }
  expect(Math.abs((actual as number) - (expected as number))).toBeLessThanOrEqual(
    ONNX_TOLERANCE * Math.max(1, Math.abs(expected as number)),
  );
}

export const csv = (columns: string[], rows: number[][]) =>
  [columns.join(','), ...rows.map((r) => r.join(','))].join('\n');

/** A request body, and the headers it needs (CSV). */
export type ScoringForm = [unknown, Record<string, string>?];

/** Every input form for a tensor of rows `x`, its columns named `cols` where a form needs names. */
export function tensorForms(x: number[][], cols: string[]): ScoringForm[] {
  return [
    [{ inputs: x }],
    [{ instances: x }],
    [{ dataframe_split: { columns: cols, data: x } }],
    [{ dataframe_records: x.map((r) => Object.fromEntries(cols.map((c, j) => [c, r[j]]))) }],
    [{ inputs: x, params: { ignored: 1 } }],
    [csv(cols, x), { 'content-type': 'text/csv' }],
  ];
}

/** Every input form for rows of the named columns `names` (a column signature). */
export function columnForms(rows: number[][], names: string[]): ScoringForm[] {
  const records = rows.map((r) => Object.fromEntries(names.map((c, j) => [c, r[j]])));
  return [
    [{ dataframe_split: { columns: names, data: rows } }],
    // order does not matter, extra columns are dropped
    [
      {
        dataframe_split: {
          columns: [...names].reverse().concat('id'),
          data: rows.map((r) => [...r].reverse().concat(7)),
        },
      },
    ],
    [{ dataframe_records: records }],
    [{ instances: records }],
    [{ inputs: Object.fromEntries(names.map((c, j) => [c, rows.map((r) => r[j])])) }],
    [csv(names, rows), { 'content-type': 'text/csv; charset=utf-8' }],
  ];
}

/** The files of fixture `dir`, by relative path (nested directories included). */
function fixtureFiles(dir: string, rel = ''): ModelFiles {
  const out: ModelFiles = {};
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, fixtureFiles(dir, child));
    else if (child !== 'expected.json') out[child] = fs.readFileSync(path.join(dir, child));
  }
  return out;
}

/**
 * What MLflow 3.6's `mlflow.onnx.log_model(onnx_model, name=..., signature=...)` uploads into the
 * logged model's artifact location: the fixture's model.onnx (and its external data file), an
 * MLmodel with the client's 3.x fields (artifact_path, model_id, run_id, ...) around the fixture's
 * flavors and signature, and the environment files.
 */
export function mlflow3OnnxFiles(dir: string, model: { model_id: string; artifact_uri: string }, runId: string) {
  const files = fixtureFiles(dir);
  const fixture = yaml.load(String(files.MLmodel)) as Record<string, any>;
  const size = Object.entries(files).reduce((n, [k, v]) => n + (k === 'MLmodel' ? 0 : v.length), 0);
  const mlmodel = {
    artifact_path: model.artifact_uri,
    flavors: {
      onnx: { ...fixture.flavors.onnx, onnx_session_options: null, onnx_version: '1.17.0' },
      python_function: fixture.flavors.python_function,
    },
    is_signature_from_type_hint: false,
    mlflow_version: '3.6.0',
    model_id: model.model_id,
    model_size_bytes: size,
    model_uuid: model.model_id,
    prompts: null,
    run_id: runId,
    ...(fixture.signature ? { signature: fixture.signature } : {}),
    type_hint_from_example: false,
    utc_time_created: '2026-12-07 19:30:00.000000',
  };
  return {
    ...files,
    MLmodel: yaml.dump(mlmodel, { sortKeys: true, lineWidth: -1 }),
    'conda.yaml':
      'channels:\n- conda-forge\ndependencies:\n- python=3.11.2\n- pip<=23.0.1\n- pip:\n  - mlflow==3.6.0\n  - onnx==1.17.0\n  - onnxruntime==1.20.1\nname: mlflow-env\n',
    'python_env.yaml':
      'python: 3.11.2\nbuild_dependencies:\n- pip==23.0.1\n- setuptools==66.1.1\n- wheel==0.38.4\ndependencies:\n- -r requirements.txt\n',
    'requirements.txt': 'mlflow==3.6.0\nonnx==1.17.0\nonnxruntime==1.20.1',
  };
}

/** `json.dumps` of a list of flat objects (", " and ": " separators), as the client writes tag values. */
const pyJson = (items: Record<string, unknown>[]) =>
  `[${items
    .map(
      (o) =>
        `{${Object.entries(o)
          .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
          .join(', ')}}`,
    )
    .join(', ')}]`;

/**
 * The exchanges of an MLflow 3.6 client running
 *   with mlflow.start_run():
 *       mlflow.onnx.log_model(onnx_model, name=name, registered_model_name=registeredName, signature=...)
 * against tsflow (mlflow3-api.md §7.1 and §7.2, the recorded session's calls and bodies): a run
 * in the Default experiment, the logged model created, linked and uploaded under its own
 * artifact location, finalized, then registered from `models:/<model_id>` with the model's
 * `mlflow.modelVersions` tag updated, and the run ended. Returns the ids and the new version.
 */
export async function logOnnxLikeMlflow3(
  base: string,
  dir: string,
  registeredName: string,
  name = 'model',
): Promise<{ runId: string; modelId: string; artifactUri: string; version: string }> {
  const api = new Mlflow3Api(base);
  const context = [
    { key: 'mlflow.user', value: 'root' },
    { key: 'mlflow.source.name', value: '/data/log_onnx.py' },
    { key: 'mlflow.source.type', value: 'LOCAL' },
  ];
  const run = await api.okPost('runs/create', {
    experiment_id: '0',
    user_id: 'root',
    start_time: Date.now(),
    tags: context,
  });
  const runId: string = run.run.info.run_id;
  const logged = await api.logModel(runId, name, (info) => mlflow3OnnxFiles(dir, info, runId), [context[1]]);
  const modelId: string = logged.info.model_id;

  // mlflow.tracking._model_registry.fluent._register_model("models:/<model_id>", registeredName)
  const created = await api.post('registered-models/create', { name: registeredName });
  if (created.status !== 200 && created.body?.error_code !== 'RESOURCE_ALREADY_EXISTS')
    throw new Error(`registered-models/create: ${created.status} ${created.text}`);
  const mv = (
    await api.okPost('model-versions/create', { name: registeredName, source: `models:/${modelId}`, model_id: modelId })
  ).model_version;
  const current = kvObject((await api.getModel(modelId)).info.tags)['mlflow.modelVersions'];
  await api.getModel(modelId); // set_logged_model_tags reads the model first
  const entries = [...(current ? JSON.parse(current) : []), { name: registeredName, version: mv.version }];
  await api.ok('PATCH', `${LM}/${modelId}/tags`, { tags: [{ key: 'mlflow.modelVersions', value: pyJson(entries) }] });

  await api.okPost('runs/update', { run_uuid: runId, status: 'FINISHED', end_time: Date.now(), run_id: runId });
  return { runId, modelId, artifactUri: logged.info.artifact_uri, version: String(mv.version) };
}
