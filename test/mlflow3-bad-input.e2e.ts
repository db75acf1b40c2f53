import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LM, Mlflow3Api } from './support/mlflow3';
import { startServer, TestServer } from './support/server';
import { expectError, unique } from './support/tracking';

const UNKNOWN = 'm-0123456789abcdef0123456789abcdef';

/** MLflow 3 routes under bad input: 4xx with `{error_code, message}`, never a 5xx or a hang. */
describe('MLflow 3 bad input', () => {
  let server: TestServer;
  let api: Mlflow3Api;
  let exp: string;
  let runId: string;

  beforeAll(async () => {
    server = await startServer();
    api = new Mlflow3Api(server.url);
    exp = await api.createExperiment(unique('bad3'));
    runId = (await api.createRun(exp)).info.run_id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('unknown model ids: 404 RESOURCE_DOES_NOT_EXIST with MLflow message on every model route', async () => {
    const message = `Logged model with ID '${UNKNOWN}' not found.`;
    const calls: [string, string, unknown?][] = [
      ['GET', `${LM}/${UNKNOWN}`],
      ['DELETE', `${LM}/${UNKNOWN}`, { model_id: UNKNOWN }],
      ['PATCH', `${LM}/${UNKNOWN}`, { model_id: UNKNOWN, status: 'LOGGED_MODEL_READY' }],
      ['PATCH', `${LM}/${UNKNOWN}/tags`, { tags: [{ key: 'a', value: 'b' }] }],
      ['DELETE', `${LM}/${UNKNOWN}/tags/a`],
      ['POST', `${LM}/${UNKNOWN}/params`, { params: [{ key: 'a', value: 'b' }] }],
      ['GET', `${LM}/${UNKNOWN}/artifacts/directories`],
      ['GET', `/ajax-api/2.0/mlflow/logged-models/${UNKNOWN}/artifacts/files?artifact_file_path=MLmodel`],
    ];
    for (const [method, path, body] of calls) {
      expectError(await api.req(method, path, body), 404, 'RESOURCE_DOES_NOT_EXIST', message);
    }
  });

  it('create: missing, unknown or deleted experiment; bad names; duplicate keys', async () => {
    expectError(
      await api.req('POST', LM, { name: 'x' }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'experiment_id'",
    );
    expectError(
      await api.req('POST', LM, { experiment_id: '99999' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'No Experiment with id=99999 exists',
    );
    const gone = await api.createExperiment(unique('gone'));
    await api.okPost('experiments/delete', { experiment_id: gone });
    expectError(
      await api.req('POST', LM, { experiment_id: gone }),
      400,
      'INVALID_PARAMETER_VALUE',
      "must be in the 'active' state",
    );
    for (const name of ['my.model', 'a/b', 'a:b', '', "it's"]) {
      expectError(
        await api.req('POST', LM, { experiment_id: exp, name }),
        400,
        'INVALID_PARAMETER_VALUE',
        'Invalid model name',
      );
    }
    const dup = await api.req('POST', LM, {
      experiment_id: exp,
      params: [
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
      ],
    });
    expectError(dup, 400, 'BAD_REQUEST', "Duplicate param key 'a'");
    // Generated name when absent; a number is accepted for experiment_id.
    const created = await api.ok('POST', LM, { experiment_id: Number(exp) });
    expect(created.model.info.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    expect(created.model.info.status).toBe('LOGGED_MODEL_PENDING');
  });

  it('finalize: missing or bad status enums are 400; finalize of a deleted model is 404', async () => {
    const id = (await api.ok('POST', LM, { experiment_id: exp, name: 'fin' })).model.info.model_id;
    expectError(await api.req('PATCH', `${LM}/${id}`, { model_id: id }), 400, 'INVALID_PARAMETER_VALUE', "'status'");
    for (const status of ['READY', 'LOGGED_MODEL_STATUS_UNSPECIFIED', 7, true]) {
      expectError(
        await api.req('PATCH', `${LM}/${id}`, { status }),
        400,
        'INVALID_PARAMETER_VALUE',
        "parameter 'status'",
      );
    }
    // Enum numbers as in the proto: 2 = READY.
    expect((await api.ok('PATCH', `${LM}/${id}`, { status: 2 })).model.info.status).toBe('LOGGED_MODEL_READY');
    await api.ok('DELETE', `${LM}/${id}`);
    expectError(
      await api.req('PATCH', `${LM}/${id}`, { model_id: id, status: 'LOGGED_MODEL_READY' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('runs/outputs and log-inputs: required fields, unknown and inactive runs', async () => {
    const outputs = '/api/2.0/mlflow/runs/outputs';
    expectError(
      await api.req('POST', outputs, { run_id: runId }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'models'",
    );
    expectError(
      await api.req('POST', outputs, { run_id: runId, models: [] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'models'",
    );
    expectError(
      await api.req('POST', outputs, { models: [{ model_id: UNKNOWN }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'run_id'",
    );
    expectError(
      await api.req('POST', outputs, { run_id: 'f'.repeat(32), models: [{ model_id: UNKNOWN }] }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    const done = (await api.createRun(exp)).info.run_id;
    await api.okPost('runs/delete', { run_id: done });
    expectError(
      await api.req('POST', outputs, { run_id: done, models: [{ model_id: UNKNOWN }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'active' state",
    );
    // Links are not checked (as MLflow); the same link twice is one.
    await api.ok('POST', outputs, { run_id: runId, models: [{ model_id: UNKNOWN, step: 3 }] });
    await api.ok('POST', outputs, { run_id: runId, models: [{ model_id: UNKNOWN, step: 3 }] });
    expect((await api.clientGetRun(runId)).outputs).toEqual({ model_outputs: [{ model_id: UNKNOWN, step: 3 }] });
    expectError(
      await api.req('POST', '/api/2.0/mlflow/runs/log-inputs', { run_id: runId, models: [{}] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'models[0].model_id'",
    );
  });

  it('registry: unknown models:/<id> and model_id are 404, bad models:/ sources 400', async () => {
    const name = unique('bad3-model');
    await api.okPost('registered-models/create', { name });
    expectError(
      await api.post('model-versions/create', { name, source: `models:/${UNKNOWN}`, model_id: UNKNOWN }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `Logged model with ID '${UNKNOWN}' not found.`,
    );
    expectError(
      await api.post('model-versions/create', { name, source: `models:/${UNKNOWN}` }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(
      await api.post('model-versions/create', { name, source: `mlflow-artifacts:/${exp}/x`, model_id: UNKNOWN }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    for (const source of ['models:/', 'models:/../x', `models:/${UNKNOWN}/../../etc`]) {
      const res = await api.post('model-versions/create', { name, source });
      expect(res.status, `${source}: ${res.text}`).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    // A local source with model_id must lie inside the model's (here non-local) artifact location.
    const id = (await api.ok('POST', LM, { experiment_id: exp, name: 'reg' })).model.info.model_id;
    expectError(
      await api.post('model-versions/create', { name, source: '/etc', model_id: id }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Invalid model version source',
    );
  });

  it('unknown fields from newer clients are ignored everywhere', async () => {
    const created = await api.ok('POST', LM, {
      experiment_id: exp,
      name: 'future',
      new_field: [1, { x: 2 }],
      tags: [{ key: 'k', value: 'v', extra: 1 }],
    });
    const id = created.model.info.model_id;
    await api.ok('PATCH', `${LM}/${id}`, { status: 'LOGGED_MODEL_READY', reason: 'new' });
    await api.okPost('runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0, model_id: id, some_v4_field: 'x' }],
      future: true,
    });
    await api.okPost('runs/log-inputs', {
      run_id: runId,
      datasets: [{ dataset: { name: 'd', digest: 'x', source_type: 's', source: '{}', v9: 1 } }],
      models: [{ model_id: id, kind: 'x' }],
    });
    expect((await api.getModel(id)).data.metrics).toHaveLength(1);
  });
});
