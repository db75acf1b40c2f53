import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/database/open-database';
import { ImportTarget } from '../src/importer/import-target';
import { Importer } from '../src/importer/importer';
import { MlflowRestSource } from '../src/importer/sources/mlflow-rest.source';
import { ImportVerifier } from '../src/importer/verify';
import { ArtifactRepositoryResolver } from '../src/storage/artifact-repository.resolver';
import { proxiedRepository } from '../src/storage/storage.module';
import { LM, Mlflow3Api } from './support/mlflow3';
import { http, startServer, TestServer } from './support/server';
import { unique } from './support/tracking';

const MR = '/api/2.0/mlflow';

/** A source store with every entity the importer carries, made through the MLflow REST API. */
async function seed(api: Mlflow3Api): Promise<{ runIds: string[]; deletedExp: string }> {
  const exp = await api.createExperiment('imported ☃ experiment');
  await api.okPost(`experiments/set-experiment-tag`, { experiment_id: exp, key: 'team', value: 'forecasting' });
  const parent = (await api.createRun(exp, { run_name: 'parent', start_time: 1_700_000_000_000 })).info;
  const child = (
    await api.createRun(exp, { run_name: 'child ünïcode', tags: [{ key: 'mlflow.parentRunId', value: parent.run_id }] })
  ).info;
  const metrics = [];
  for (let step = 0; step < 300; step++)
    metrics.push({ key: 'loss', value: 1 / (step + 1), timestamp: 1_700_000_000_000 + step, step });
  metrics.push({ key: 'odd', value: 'NaN', timestamp: 1_700_000_000_000, step: 0 });
  metrics.push({ key: 'odd', value: 'Infinity', timestamp: 1_700_000_000_001, step: 1 });
  metrics.push({ key: 'odd', value: '-Infinity', timestamp: 1_700_000_000_002, step: 2 });
  await api.logBatch(parent.run_id, {
    metrics,
    params: [
      { key: 'lr', value: '0.001' },
      { key: 'ünï', value: 'cødé' },
    ],
    tags: [{ key: 'mlflow.user', value: 'ana' }],
  });
  await api.okPost(`runs/log-inputs`, {
    run_id: parent.run_id,
    datasets: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: {
          name: 'sales',
          digest: 'abc123',
          source_type: 'local',
          source: '{"uri": "/data/sales.csv"}',
          schema: '{}',
          profile: '{"rows": 10}',
        },
      },
    ],
  });
  await api.upload(`${exp}/${parent.run_id}/artifacts/model/MLmodel`, 'flavors: {}\n');
  await api.upload(`${exp}/${parent.run_id}/artifacts/notes ü.txt`, 'hello');
  await api.okPost(`runs/update`, { run_id: parent.run_id, status: 'FINISHED', end_time: 1_700_000_100_000 });
  const deleted = (await api.createRun(exp, { run_name: 'gone' })).info;
  await api.okPost(`runs/delete`, { run_id: deleted.run_id });

  const deletedExp = await api.createExperiment(unique('old'));
  await api.createRun(deletedExp);
  await api.okPost(`experiments/delete`, { experiment_id: deletedExp });

  const model = (await api.ok('POST', LM, { experiment_id: exp, name: 'lm', source_run_id: parent.run_id })).model;
  const modelId = model.info.model_id;
  await api.ok('POST', `${LM}/${modelId}/params`, { params: [{ key: 'alpha', value: '0.5' }] });
  await api.logBatch(parent.run_id, {
    metrics: [{ key: 'rmse', value: 0.25, timestamp: 1_700_000_000_500, step: 0, model_id: modelId }] as never,
  });
  await api.upload(`${exp}/models/${modelId}/artifacts/MLmodel`, 'flavors: {python_function: {}}\n');
  await api.ok('PATCH', `${LM}/${modelId}`, { model_id: modelId, status: 'LOGGED_MODEL_READY' });

  await api.okPost(`registered-models/create`, {
    name: 'demand',
    description: '# Demand',
    tags: [{ key: 'owner', value: 'ops' }],
  });
  for (const source of [`mlflow-artifacts:/${exp}/${parent.run_id}/artifacts/model`, `runs:/${parent.run_id}/model`]) {
    await api.okPost(`model-versions/create`, {
      name: 'demand',
      source,
      run_id: parent.run_id,
      tags: [{ key: 'v', value: 'x' }],
    });
  }
  await api.okPost(`registered-models/alias`, { name: 'demand', alias: 'champion', version: '2' });
  await api.okPost(`model-versions/transition-stage`, {
    name: 'demand',
    version: '1',
    stage: 'Archived',
    archive_existing_versions: false,
  });
  return { runIds: [parent.run_id, child.run_id, deleted.run_id], deletedExp };
}

describe('tsflow import from a running MLflow-API server', () => {
  let source: TestServer;
  let target: TestServer;
  let api: Mlflow3Api;

  beforeAll(async () => {
    source = await startServer();
    target = await startServer();
    api = new Mlflow3Api(source.url);
    await seed(api);
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  async function importOnce(dryRun = false) {
    const db = await openDatabase(target.config.database);
    try {
      const resolver = new ArtifactRepositoryResolver(await proxiedRepository(target.config), target.config);
      return await new Importer(
        new MlflowRestSource(source.url),
        new ImportTarget(db),
        resolver,
        target.config.defaultArtifactRoot,
      ).run({
        dryRun,
      });
    } finally {
      await db.close();
    }
  }

  it('imports everything with its identity, verifies clean, and a second import changes nothing', async () => {
    const dry = await importOnce(true);
    expect(dry.runs.imported).toBeGreaterThanOrEqual(4);
    const before = await new Mlflow3Api(target.url).searchRuns({ experiment_ids: ['0'], run_view_type: 'ALL' });
    expect(before.runs ?? []).toHaveLength(0);

    const first = await importOnce();
    expect(first.runs.imported).toBe(first.runs.seen);
    expect(first.metricPoints).toBeGreaterThanOrEqual(304);
    expect(first.artifactFiles).toBeGreaterThanOrEqual(3);
    expect(first.warnings).toEqual([]);
    expect(first.loggedModels.imported).toBe(1);
    expect(first.registeredModels.imported).toBe(1);
    expect(first.modelVersions).toBe(2);
    expect(first.experiments.imported).toBe(first.experiments.seen);

    const report = await new ImportVerifier(new MlflowRestSource(source.url), new MlflowRestSource(target.url)).run();
    expect(report.differences).toEqual([]);
    expect(report.runs).toBe(first.runs.seen);
    expect(report.registeredModels).toBe(1);

    const second = await importOnce();
    expect(second.runs.imported).toBe(0);
    expect(second.runs.unchanged).toBe(first.runs.seen);
    expect(second.registeredModels.imported).toBe(0);
    expect(second.artifactFiles).toBe(0);
  });

  it('the MLflow API of tsflow answers the imported data as the source did', async () => {
    const t = new Mlflow3Api(target.url);
    const exps = await t.okPost(`experiments/search`, { max_results: 100, view_type: 'ALL' });
    const names = exps.experiments.map((e: any) => `${e.name}:${e.lifecycle_stage}`);
    expect(names).toContain('imported ☃ experiment:active');
    expect(names.some((n: string) => n.startsWith('old') && n.endsWith(':deleted'))).toBe(true);
    const model = await t.okGet(`registered-models/get`, { name: 'demand' });
    expect(model.registered_model.aliases).toEqual([{ alias: 'champion', version: '2' }]);
    const v1 = await t.okGet(`model-versions/get`, { name: 'demand', version: '1' });
    expect(v1.model_version.current_stage).toBe('Archived');
    const file = await t.req('GET', `${MR}/model-versions/get-download-uri?name=demand&version=1`);
    expect(file.status).toBe(200);
  });

  it('with new runs at the source, a second import brings only those', async () => {
    const exp = (await api.okPost(`experiments/search`, { max_results: 10, filter: "name = 'imported ☃ experiment'" }))
      .experiments[0].experiment_id;
    await api.createRun(exp, { run_name: 'late' });
    const again = await importOnce();
    expect(again.runs.imported).toBe(1);
    const report = await new ImportVerifier(new MlflowRestSource(source.url), new MlflowRestSource(target.url)).run();
    expect(report.differences).toEqual([]);
  });

  it('the verifier reports what differs: a changed tag, a lost metric point, an extra artifact', async () => {
    const t = new Mlflow3Api(target.url);
    const run = (await t.searchRuns({ experiment_ids: ['1'], filter: "attributes.run_name = 'parent'" })).runs![0];
    const runId = run.info.run_id;
    await t.okPost('runs/set-tag', { run_id: runId, key: 'mlflow.user', value: 'mallory' });
    await t.upload(`1/${runId}/artifacts/extra.txt`, 'x');
    const db = await openDatabase(target.config.database);
    await db.query("DELETE FROM metrics WHERE run_uuid = ? AND key = 'loss' AND step = 7", [runId]);
    await db.close();
    const report = await new ImportVerifier(new MlflowRestSource(source.url), new MlflowRestSource(target.url)).run();
    expect(report.differences).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`run ${runId}: tags differ`),
        `run ${runId}: 304 metric points vs 303`,
        `run ${runId}: artifact extra.txt exists only in tsflow`,
      ]),
    );
    expect(report.differenceCount).toBe(3);
  });
});

describe('POST /api/v1/admin/imports (basic-auth: admins only)', () => {
  const ADMIN = { username: 'root', password: 'admin-secret-1' };
  const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
  let source: TestServer;
  let target: TestServer;

  beforeAll(async () => {
    source = await startServer();
    const api = new Mlflow3Api(source.url);
    const exp = await api.createExperiment('over http');
    const run = (await api.createRun(exp)).info;
    await api.logBatch(run.run_id, { metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }] });
    target = await startServer({
      env: {
        TSFLOW_APP_NAME: 'basic-auth',
        TSFLOW_ADMIN_USERNAME: ADMIN.username,
        TSFLOW_ADMIN_PASSWORD: ADMIN.password,
        TSFLOW_DEFAULT_PERMISSION: 'NO_PERMISSIONS',
      },
    });
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  it('refuses non-admins, reports a bad source as 400, runs an import with progress for the admin', async () => {
    const admin = basic(ADMIN.username, ADMIN.password);
    const created = await http(
      target.url,
      'POST',
      '/api/2.0/mlflow/users/create',
      { username: 'eve', password: 'eve-password-1' },
      admin,
    );
    expect(created.status).toBe(200);
    const eve = await http(
      target.url,
      'POST',
      '/api/v1/admin/imports',
      { from: source.url },
      basic('eve', 'eve-password-1'),
    );
    expect(eve.status).toBe(403);
    const bad = await http(target.url, 'POST', '/api/v1/admin/imports', { from: 'http://127.0.0.1:1' }, admin);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('unreachable'),
    });
    const started = await http(target.url, 'POST', '/api/v1/admin/imports', { from: source.url }, admin);
    expect(started.status).toBe(200);
    const id = started.body.import.import_id;
    let job: any;
    for (let i = 0; i < 200; i++) {
      job = (await http(target.url, 'GET', `/api/v1/admin/imports/${id}`, undefined, admin)).body.import;
      if (job.status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job).toMatchObject({ status: 'FINISHED', summary: { runs: { imported: 1 }, metricPoints: 1 } });
    const runs = await http(target.url, 'POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['1'] }, admin);
    expect(runs.body.runs).toHaveLength(1);
  });
});
