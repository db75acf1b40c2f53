import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingStore } from '../src/experiments/tracking.store';
import { TEST_POSTGRES_URL } from './support/postgres';
import { http, startServer, TestServer } from './support/server';

/**
 * Issue 16 fault 1 (`file:` artifact locations escaping) and issue 15 item 1 (registry source
 * parity), end to end on sqlite and Postgres. The "legacy" cases plant rows the way the old
 * code wrote them (bypassing today's create checks) to prove the resolver refuses them too.
 */
const BACKENDS = [
  { database: 'sqlite' as const, enabled: true },
  { database: 'postgres' as const, enabled: !!TEST_POSTGRES_URL },
];
const OTHER_SERVER_RUN = 'f'.repeat(32);

for (const { database, enabled } of BACKENDS)
  describe.skipIf(!enabled)(`artifact locations and model sources (${database})`, () => {
    let server: TestServer;
    const localRoot = path.join(fs.realpathSync(os.tmpdir()), `tsflow-loc-${process.pid}-${database}`, 'local');
    const api = (method: string, p: string, body?: unknown) => http(server.url, method, `/api/2.0/mlflow/${p}`, body);
    const createRun = async (experimentId: string) =>
      (await api('POST', 'runs/create', { experiment_id: experimentId })).body.run.info;

    beforeAll(async () => {
      fs.mkdirSync(localRoot, { recursive: true });
      server = await startServer({ database, env: { TSFLOW_LOCAL_ARTIFACT_ROOTS: localRoot } });
      await api('POST', 'registered-models/create', { name: 'm' });
    });
    afterAll(async () => {
      await server?.close();
      fs.rmSync(path.dirname(localRoot), { recursive: true, force: true });
    });

    it.each(['file:///etc?x', 'file:///etc', '/etc', `file://${localRoot}/../..`, `${localRoot}-sibling`])(
      'experiments/create with %s outside the allowed local roots → 400, nothing created',
      async (location) => {
        const name = `loc-${Math.random()}`;
        const res = await api('POST', 'experiments/create', { name, artifact_location: location });
        expect(res.status, res.text).toBe(400);
        expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
        expect((await api('GET', `experiments/get-by-name?experiment_name=${name}`)).status).toBe(404);
      },
    );

    it('a query on a file: location inside a root is refused, not dropped', async () => {
      const res = await api('POST', 'experiments/create', {
        name: 'q',
        artifact_location: `${pathToFileURL(localRoot).href}?x`,
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('must not have a query');
    });

    it('a legacy experiment at file:///etc?x: its runs get structural URIs and /etc is never listed', async () => {
      const store = server.app.get(TrackingStore);
      const id = await store.createExperiment({ name: 'legacy', artifactLocation: 'file:///etc?x', tags: [] }, '');
      const run = await createRun(id);
      expect(run.artifact_uri).toBe(`file:///etc/${run.run_id}/artifacts?x`);
      const list = await api('GET', `artifacts/list?run_id=${run.run_id}&path=ssh`);
      expect(list.status).toBe(400);
      expect(list.text).not.toContain('sshd_config');
    });

    it('a legacy run whose URI was concatenated (file:///etc?x/<run>/artifacts) is refused everywhere', async () => {
      const store = server.app.get(TrackingStore);
      const runId = 'a'.repeat(32);
      await store.createRun({
        runId,
        experimentId: '0',
        userId: '',
        runName: 'legacy',
        startTime: Date.now(),
        tags: [],
        artifactUri: `file:///etc?x/${runId}/artifacts`,
      });
      for (const p of [
        `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=ssh`,
        `/api/2.0/mlflow/artifacts/list?run_id=${runId}`,
      ]) {
        const res = await http(server.url, 'GET', p);
        expect(res.status, p).toBe(400);
        expect(res.text).not.toContain('passwd');
      }
      // Registering (and so serving, which copies the version's files) is refused up front.
      const promote = await http(server.url, 'POST', '/api/v1/models/legacy-m/champion', { run_id: runId });
      expect(promote.status).toBe(400);
      const mv = await api('POST', 'model-versions/create', {
        name: 'm',
        source: `file:///etc?x/${runId}/artifacts/model`,
        run_id: runId,
      });
      expect(mv.status).toBe(400);
    });

    it('inside an allowed root: runs list their files and register local sources contained in them', async () => {
      const location = path.join(localRoot, 'exp');
      const exp = await api('POST', 'experiments/create', { name: 'local', artifact_location: location });
      expect(exp.status, exp.text).toBe(200);
      expect(
        (await api('GET', `experiments/get?experiment_id=${exp.body.experiment_id}`)).body.experiment,
      ).toMatchObject({ artifact_location: location });
      const run = await createRun(exp.body.experiment_id);
      expect(run.artifact_uri).toBe(`${location}/${run.run_id}/artifacts`);
      fs.mkdirSync(path.join(location, run.run_id, 'artifacts', 'model'), { recursive: true });
      fs.writeFileSync(path.join(location, run.run_id, 'artifacts', 'model', 'MLmodel'), 'flavors: {}\n');
      const list = await api('GET', `artifacts/list?run_id=${run.run_id}&path=model`);
      expect(list.body.files).toEqual([{ path: 'model/MLmodel', is_dir: false, file_size: 12 }]);
      const ok = await api('POST', 'model-versions/create', {
        name: 'm',
        source: `${run.artifact_uri}/model`,
        run_id: run.run_id,
      });
      expect(ok.status, ok.text).toBe(200);
      const outside = await api('POST', 'model-versions/create', { name: 'm', source: '/etc', run_id: run.run_id });
      expect(outside.status).toBe(400);
      const noRun = await api('POST', 'model-versions/create', { name: 'm', source: `${run.artifact_uri}/model` });
      expect(noRun.status).toBe(400);
    });

    it.each([
      's3://bucket/1/abc/artifacts/model',
      's3a://bucket/model',
      'gs://bucket/path/model',
      'wasbs://c@acct.blob.core.windows.net/model',
      'https://models.example.com/m/1',
      'dbfs:/databricks/mlflow-tracking/1/abc/artifacts/model',
      'hdfs://namenode/models/m',
      'mlflow-artifacts:/1/abc/artifacts/model',
    ])('model-versions/create from a run of another server with source %s (no run check)', async (source) => {
      const res = await api('POST', 'model-versions/create', { name: 'm', source, run_id: OTHER_SERVER_RUN });
      expect(res.status, res.text).toBe(200);
      expect(res.body.model_version).toMatchObject({ source, run_id: OTHER_SERVER_RUN, status: 'READY' });
      const uri = await api('GET', `model-versions/get-download-uri?name=m&version=${res.body.model_version.version}`);
      expect(uri.body).toEqual({ artifact_uri: source });
    });

    it.each([
      's3://bucket/model/../../../etc',
      's3://bucket/model/%2e%2e%2f%2e%2e/etc',
      'gs://bucket/a/%252E%252E/b',
      'https://host/api/2.0/mlflow-artifacts/artifacts/../../../',
      'gopher://host/model',
    ])('a remote source with traversal or an unknown scheme is still refused: %s', async (source) => {
      const res = await api('POST', 'model-versions/create', { name: 'm', source, run_id: OTHER_SERVER_RUN });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    });
  });
