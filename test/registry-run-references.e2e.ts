import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';

/**
 * model-versions/create with a run that is not on this server, as MLflow accepts it (its
 * `_validate_source` looks a run up only for local sources): the calls of MLflow's own registry
 * tests (`create_model_version(name, "runs:/run_id/model", "run_id_1")`), auth off.
 */
describe('registry run references (auth off)', () => {
  let s: TestServer;
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await http(s.url, method, `/api/2.0/mlflow/${path}`, body);
    expect(res.status, `${method} ${path}: ${res.text}`).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    s = await startServer();
    await ok('POST', 'registered-models/create', { name: 'CreateMVTest' });
  });
  afterAll(async () => s?.close());

  it('accepts a run_id and a runs:/ source naming a run that does not exist here', async () => {
    const v1 = (
      await ok('POST', 'model-versions/create', {
        name: 'CreateMVTest',
        source: 'runs:/run_id/model',
        run_id: 'run_id_1',
        tags: [{ key: 'key', value: 'value' }],
      })
    ).model_version;
    expect(v1).toMatchObject({ version: '1', source: 'runs:/run_id/model', run_id: 'run_id_1' });
    await ok('POST', 'model-versions/create', {
      name: 'CreateMVTest',
      source: 'runs:/run_id/another_model',
      run_id: 'run_id_2',
    });
    // Nothing to resolve here: the stored source is the download URI (the client resolves runs:/).
    const uri = await ok('GET', 'model-versions/get-download-uri?name=CreateMVTest&version=1');
    expect(uri.artifact_uri).toBe('runs:/run_id/model');
    const byRun = await ok('GET', `model-versions/search?filter=${encodeURIComponent("run_id = 'run_id_1'")}`);
    expect(byRun.model_versions.map((v: { version: string }) => v.version)).toEqual(['1']);
  });

  it('accepts an unknown run_id with a non-local source; still refuses traversal and unanchored local paths', async () => {
    const v = await ok('POST', 'model-versions/create', {
      name: 'CreateMVTest',
      source: 'mlflow-artifacts:/elsewhere/model',
      run_id: 'f'.repeat(32),
    });
    expect(v.model_version.run_id).toBe('f'.repeat(32));
    for (const source of ['runs:/run_id/../../x', 'mlflow-artifacts:/a/%2E%2E/b', '/etc/passwd', 'path/to/model']) {
      const res = await http(s.url, 'POST', '/api/2.0/mlflow/model-versions/create', {
        name: 'CreateMVTest',
        source,
        run_id: 'run_id_1',
      });
      expect([res.status, res.body?.error_code], source).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    }
  });
});
