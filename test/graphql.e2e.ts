import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, basicAuth, startNoGrantServer } from './support/basic-auth';
import { http, startServer, TestServer } from './support/server';
import { expectError, TrackingApi, unique } from './support/tracking';

const JSON_UTF8 = { 'content-type': 'application/json; charset=utf-8' };

describe("MLflow's /graphql (tests/tracking/test_rest_tracking.py graphql cases and the UI's queries)", () => {
  let s: TestServer;
  let api: TrackingApi;
  const gql = (query: string, extra: Record<string, unknown> = {}, path = '/graphql') =>
    http(s.url, 'POST', path, { query, operationName: 'testQuery', ...extra }, JSON_UTF8);

  beforeAll(async () => {
    s = await startServer();
    api = new TrackingApi(s.url);
  }, 120_000);
  afterAll(async () => s?.close());

  it('test_graphql_handler: the echo field', async () => {
    const res = await gql('query testQuery {test(inputString: "abc") { output }}');
    expect([res.status, res.body]).toEqual([200, { data: { test: { output: 'abc' } }, errors: null }]);
    const mutation = await gql('mutation testQuery {testMutation(inputString: "x") { output }}');
    expect(mutation.body.data).toEqual({ testMutation: { output: 'x' } });
  });

  it('test_get_experiment_graphql: mlflowGetExperiment, int64 as strings', async () => {
    const name = unique('GraphqlTest');
    const id = await api.createExperiment(name, { tags: [{ key: 'team', value: 'ml' }] });
    const res = await gql(
      `query testQuery {mlflowGetExperiment(input: {experimentId: "${id}"}) { experiment { name experimentId creationTime tags { key value } } }}`,
    );
    expect(res.status).toBe(200);
    const exp = res.body.data.mlflowGetExperiment.experiment;
    expect(exp).toMatchObject({ name, experimentId: id, tags: [{ key: 'team', value: 'ml' }] });
    expect(exp.creationTime).toMatch(/^\d{13}$/);
  });

  it('test_get_run_and_experiment_graphql: mlflowGetRun with experiment and modelVersions', async () => {
    const name = unique('GraphqlTest');
    await api.okPost('registered-models/create', { name });
    const exp = await api.createExperiment(name);
    const run = (await api.createRun(exp)).info.run_id;
    await api.logBatch(run, {
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 1, step: 0 },
        { key: 'bad', value: 'NaN', timestamp: 1, step: 0 },
      ],
      params: [{ key: 'lr', value: '0.1' }],
    });
    await api.okPost('model-versions/create', { name, source: `runs:/${run}/model`, run_id: run });
    const query = `
      query testQuery($id: String) {
        mlflowGetRun(input: {runId: $id}) {
          run {
            info { runId status startTime }
            data { metrics { key value step } params { key value } }
            experiment { name }
            modelVersions { name version status creationTimestamp }
          }
        }
      }`;
    const res = await gql(query, { variables: { id: run } });
    expect(res.body.errors).toBeNull();
    const got = res.body.data.mlflowGetRun.run;
    expect(got.experiment.name).toBe(name);
    expect(got.modelVersions[0]).toMatchObject({ name, version: '1', status: 'READY' });
    expect(got.info).toMatchObject({ runId: run, status: 'RUNNING' });
    expect(typeof got.info.startTime).toBe('string');
    expect(got.data.metrics).toEqual(
      expect.arrayContaining([
        { key: 'loss', value: 0.5, step: '0' },
        { key: 'bad', value: null, step: '0' },
      ]),
    );
    // GET with the variables as JSON text, and the UI's /ajax-api/graphql.
    const viaGet = await http(
      s.url,
      'GET',
      `/ajax-api/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ id: run }))}`,
    );
    expect(viaGet.body.data.mlflowGetRun.run.info.runId).toBe(run);
  });

  it('mlflowSearchRuns, mlflowListArtifacts, mlflowGetMetricHistoryBulkInterval, mlflowSearchModelVersions, mlflowSearchDatasets', async () => {
    const exp = await api.createExperiment();
    const run = (await api.createRun(exp, { run_name: 'gq' })).info.run_id;
    for (const step of [0, 1, 2]) await api.logMetric(run, 'acc', step / 10, 1000 + step, step);
    await fetch(`${s.url}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${run}&path=notes.txt`, {
      method: 'POST',
      body: 'hello',
      headers: { 'content-type': 'application/octet-stream' },
    });
    await api.okPost('runs/log-inputs', {
      run_id: run,
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: { name: 'ds', digest: 'd1', source_type: 'code', source: '{}' },
        },
      ],
    });
    const search = await gql(
      `mutation testQuery { mlflowSearchRuns(input: {experimentIds: ["${exp}"], maxResults: 5}) { runs { info { runName } } nextPageToken } }`,
    );
    expect(search.body.data.mlflowSearchRuns.runs).toEqual([{ info: { runName: 'gq' } }]);
    const files = await gql(
      `query testQuery { mlflowListArtifacts(input: {runId: "${run}"}) { rootUri files { path isDir fileSize } } }`,
    );
    expect(files.body.data.mlflowListArtifacts.files).toEqual([{ path: 'notes.txt', isDir: false, fileSize: '5' }]);
    const bulk = await gql(
      `query testQuery { mlflowGetMetricHistoryBulkInterval(input: {runIds: ["${run}"], metricKey: "acc", maxResults: 2}) { metrics { step value runId } } }`,
    );
    const points = bulk.body.data.mlflowGetMetricHistoryBulkInterval.metrics;
    expect(points.length).toBeGreaterThanOrEqual(2);
    expect(new Set(points.map((m: any) => m.runId))).toEqual(new Set([run]));
    const datasets = await gql(
      `mutation testQuery { mlflowSearchDatasets(input: {experimentIds: ["${exp}"]}) { datasetSummaries { name digest context } } }`,
    );
    expect(datasets.body.data.mlflowSearchDatasets.datasetSummaries).toEqual([
      { name: 'ds', digest: 'd1', context: 'training' },
    ]);
    const versions = await gql(
      `query testQuery { mlflowSearchModelVersions(input: {filter: "run_id='${run}'", maxResults: 10}) { modelVersions { name } } }`,
    );
    expect(versions.body).toEqual({ data: { mlflowSearchModelVersions: { modelVersions: [] } }, errors: null });
  });

  it('errors: MLflow errors are messages in `errors` (200); bad requests are 400; MLflow limits hold', async () => {
    const missing = await gql(
      'query testQuery { mlflowGetExperiment(input: {experimentId: "987654"}) { experiment { name } } }',
    );
    expect(missing.status).toBe(200);
    expect(missing.body).toEqual({
      data: { mlflowGetExperiment: null },
      errors: ['No Experiment with id=987654 exists'],
    });
    const unknownField = await gql('query testQuery { nope }');
    expect(unknownField.body.data).toBeNull();
    expect(unknownField.body.errors[0]).toMatch(/Cannot query field "nope"/);
    expectError(await gql('query testQuery {'), 400, 'INVALID_PARAMETER_VALUE', /Invalid GraphQL query/);
    expectError(await http(s.url, 'POST', '/graphql', {}), 400, 'INVALID_PARAMETER_VALUE', /'query'/);
    const many = Array.from({ length: 11 }, (_, i) => `t${i}: test(inputString: "${i}") { output }`).join(' ');
    const tooMany = await gql(`query testQuery { ${many} }`);
    expect([tooMany.status, tooMany.body.data, tooMany.body.errors[0]]).toEqual([
      200,
      null,
      'GraphQL queries should have at most 10 root fields, got 11 root fields.',
    ]);
    const nested = 'ofType { '.repeat(12) + 'name' + ' }'.repeat(12);
    const deep = await gql(`query testQuery { __schema { types { fields { type { ${nested} } } } } }`);
    expect(deep.body.errors[0]).toMatch(/levels deep/);
  });
});

describe('/graphql in basic-auth mode: READ on what the query names; model versions of unreadable models hidden', () => {
  let s: TestServer;
  const admin = adminAuth();
  const alice = basicAuth('alice', 'alice-password');

  beforeAll(async () => {
    s = await startNoGrantServer(['alice']);
  }, 120_000);
  afterAll(async () => s?.close());

  it('no grant: 403; READ on the experiment: the run, without the versions of a model she cannot read', async () => {
    const call = (headers: Record<string, string>, query: string) =>
      http(s.url, 'POST', '/graphql', { query }, headers);
    const exp = (await http(s.url, 'POST', '/api/2.0/mlflow/experiments/create', { name: unique('secret') }, admin))
      .body.experiment_id;
    const run = (await http(s.url, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp }, admin)).body.run.info
      .run_id;
    await http(s.url, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'hidden-model' }, admin);
    await http(
      s.url,
      'POST',
      '/api/2.0/mlflow/model-versions/create',
      { name: 'hidden-model', source: `runs:/${run}/model`, run_id: run },
      admin,
    );
    const queries = [
      `query { mlflowGetRun(input: {runId: "${run}"}) { run { info { runId } } } }`,
      `query { mlflowGetExperiment(input: {experimentId: "${exp}"}) { experiment { name } } }`,
      `mutation { mlflowSearchRuns(input: {experimentIds: ["${exp}"]}) { runs { info { runId } } } }`,
      `query { mlflowListArtifacts(input: {runUuid: "${run}"}) { files { path } } }`,
      `query { mlflowGetMetricHistoryBulkInterval(input: {runIds: ["${run}"], metricKey: "m"}) { metrics { key } } }`,
      `query Q($i: MlflowGetRunInput) { mlflowGetRun(input: $i) { run { info { runId } } } }`,
    ];
    for (const query of queries) {
      const body = query.includes('$i') ? { query, variables: { i: { runId: run } } } : { query };
      const res = await http(s.url, 'POST', '/graphql', body, alice);
      expect([query, res.status]).toEqual([query, 403]);
    }
    const versions = `query { mlflowSearchModelVersions(input: {filter: "name='hidden-model'"}) { modelVersions { version } } }`;
    expect((await call(alice, versions)).body.data.mlflowSearchModelVersions.modelVersions).toEqual([]);
    expect((await call(admin, versions)).body.data.mlflowSearchModelVersions.modelVersions).toEqual([{ version: '1' }]);
    await http(
      s.url,
      'POST',
      '/api/2.0/mlflow/experiments/permissions/create',
      { experiment_id: exp, username: 'alice', permission: 'READ' },
      admin,
    );
    const res = await call(
      alice,
      `query { mlflowGetRun(input: {runId: "${run}"}) { run { info { runId } modelVersions { name } } } }`,
    );
    expect(res.body.data.mlflowGetRun.run).toEqual({ info: { runId: run }, modelVersions: [] });
  });
});
