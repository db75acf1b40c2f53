import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';

/**
 * Bad input on every registry endpoint, on both URL prefixes: always a 4xx with MLflow's
 * `{error_code, message}` body, never a 5xx (clients retry 5xx for minutes), and no change
 * to the stored data. `$RUN` stands for the id of a real run.
 */

interface Case {
  label: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  status: number;
  code?: string;
  message?: string | RegExp;
}

const BAD = 'INVALID_PARAMETER_VALUE';
const MISSING = 'RESOURCE_DOES_NOT_EXIST';
const LONG_VALUE = 'x'.repeat(5001);
const LOCAL_SOURCE = /To use a local path as a model version source/;
const RELATIVE_SOURCE = /an absolute path must be provided without relative path references present/;
/** MLflow's `is_local_uri`: a `file:` URI on another host (MLflow: 500 with this message; here 400). */
const REMOTE_FILE_SOURCE = /^file:\/\/\S+ is not a valid remote uri\. For remote access on windows/;

const bad = (label: string, method: Case['method'], path: string, args: Partial<Case> = {}): Case => ({
  label,
  method,
  path,
  status: 400,
  code: BAD,
  ...args,
});
const notFound = (label: string, method: Case['method'], path: string, args: Partial<Case> = {}): Case => ({
  label,
  method,
  path,
  status: 404,
  code: MISSING,
  ...args,
});

const REGISTERED_MODEL_CASES: Case[] = [
  bad('create: missing name', 'POST', 'registered-models/create', {
    body: {},
    message:
      "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
  }),
  bad('create: empty name', 'POST', 'registered-models/create', { body: { name: '' } }),
  bad('create: numeric name', 'POST', 'registered-models/create', { body: { name: 5 } }),
  bad('create: duplicate', 'POST', 'registered-models/create', {
    body: { name: 'good' },
    code: 'RESOURCE_ALREADY_EXISTS',
    message: 'Registered Model (name=good) already exists.',
  }),
  bad('create: name a/b', 'POST', 'registered-models/create', { body: { name: 'a/b' } }),
  bad('create: name a:b', 'POST', 'registered-models/create', { body: { name: 'a:b' } }),
  bad('create: name m%6fdel', 'POST', 'registered-models/create', { body: { name: 'm%6fdel' } }),
  bad('create: name a\\b', 'POST', 'registered-models/create', { body: { name: 'a\\b' } }),
  bad('create: name ..', 'POST', 'registered-models/create', { body: { name: '..' } }),
  bad('create: name with surrounding spaces', 'POST', 'registered-models/create', { body: { name: ' good ' } }),
  bad('create: bad tag key', 'POST', 'registered-models/create', {
    body: { name: 'fresh', tags: [{ key: 'a$b', value: 'x' }] },
    message: /tags\[0\]\.key/,
  }),
  bad('create: tag key ../x', 'POST', 'registered-models/create', {
    body: { name: 'fresh', tags: [{ key: '../x', value: 'x' }] },
  }),
  bad('create: tag value too long', 'POST', 'registered-models/create', {
    body: { name: 'fresh', tags: [{ key: 'k', value: LONG_VALUE }] },
  }),
  bad('create: tags not a list', 'POST', 'registered-models/create', { body: { name: 'fresh', tags: 'x' } }),
  bad('create: no content type', 'POST', 'registered-models/create', {
    body: JSON.stringify({ name: 'fresh' }),
    headers: { 'content-type': 'text/plain' },
  }),
  notFound('get: unknown', 'GET', 'registered-models/get', {
    query: { name: 'nope' },
    message: 'Registered Model with name=nope not found',
  }),
  bad('get: missing name', 'GET', 'registered-models/get'),
  notFound('get: name a/b', 'GET', 'registered-models/get', { query: { name: 'a/b' } }),
  notFound('rename: unknown', 'POST', 'registered-models/rename', { body: { name: 'nope', new_name: 'nope2' } }),
  bad('rename: taken', 'POST', 'registered-models/rename', {
    body: { name: 'good', new_name: 'other' },
    code: 'RESOURCE_ALREADY_EXISTS',
  }),
  bad('rename: new name x/y', 'POST', 'registered-models/rename', { body: { name: 'good', new_name: 'x/y' } }),
  bad('rename: missing new name', 'POST', 'registered-models/rename', { body: { name: 'good' } }),
  notFound('update: unknown', 'PATCH', 'registered-models/update', { body: { name: 'nope', description: 'd' } }),
  bad('update: missing name', 'PATCH', 'registered-models/update', { body: { description: 'd' } }),
  notFound('delete: unknown', 'DELETE', 'registered-models/delete', { body: { name: 'nope' } }),
  bad('delete: missing name', 'DELETE', 'registered-models/delete', { body: {} }),
  bad('search: OR', 'GET', 'registered-models/search', { query: { filter: "name = 'a' OR name = 'b'" } }),
  bad('search: unknown key', 'GET', 'registered-models/search', { query: { filter: "foo = 'x'" } }),
  bad('search: unquoted value', 'GET', 'registered-models/search', { query: { filter: 'name = good' } }),
  bad('search: numeric comparator on name', 'GET', 'registered-models/search', { query: { filter: "name > 'a'" } }),
  bad('search: dangling AND', 'GET', 'registered-models/search', { query: { filter: "name = 'a' AND" } }),
  bad('search: order_by creation_timestamp', 'GET', 'registered-models/search', {
    query: { order_by: 'creation_timestamp' },
  }),
  bad('search: duplicate order_by', 'GET', 'registered-models/search', { query: { order_by: ['name', 'name DESC'] } }),
  bad('search: bad direction', 'GET', 'registered-models/search', { query: { order_by: 'name SIDEWAYS' } }),
  bad('search: max_results 1001', 'GET', 'registered-models/search', {
    query: { max_results: '1001' },
    message: 'Invalid value for request parameter max_results. It must be at most 1000, but got value 1001',
  }),
  bad('search: max_results 0', 'GET', 'registered-models/search', { query: { max_results: '0' } }),
  bad('search: max_results abc', 'GET', 'registered-models/search', { query: { max_results: 'abc' } }),
  bad('search: page token garbage', 'GET', 'registered-models/search', {
    query: { page_token: '!!!' },
    message: /^Invalid page token/,
  }),
  notFound('latest (POST): unknown', 'POST', 'registered-models/get-latest-versions', { body: { name: 'nope' } }),
  bad('latest (POST): bad stage', 'POST', 'registered-models/get-latest-versions', {
    body: { name: 'good', stages: ['foo'] },
    message: 'Invalid Model Version stage: foo. Value must be one of None, Staging, Production, Archived.',
  }),
  bad('latest (GET): bad stage', 'GET', 'registered-models/get-latest-versions', {
    query: { name: 'good', stages: ['Production', 'foo'] },
  }),
  notFound('latest (GET): unknown', 'GET', 'registered-models/get-latest-versions', { query: { name: 'nope' } }),
  notFound('set-tag: unknown model', 'POST', 'registered-models/set-tag', {
    body: { name: 'nope', key: 'k', value: 'v' },
  }),
  bad('set-tag: key ../x', 'POST', 'registered-models/set-tag', { body: { name: 'good', key: '../x', value: 'v' } }),
  bad('set-tag: missing key', 'POST', 'registered-models/set-tag', { body: { name: 'good', value: 'v' } }),
  bad('set-tag: value too long', 'POST', 'registered-models/set-tag', {
    body: { name: 'good', key: 'k', value: LONG_VALUE },
  }),
  notFound('delete-tag: unknown model', 'DELETE', 'registered-models/delete-tag', { body: { name: 'nope', key: 'k' } }),
  bad('delete-tag: bad key', 'DELETE', 'registered-models/delete-tag', { body: { name: 'good', key: 'a$b' } }),
  bad('set alias: latest', 'POST', 'registered-models/alias', {
    body: { name: 'good', alias: 'Latest', version: '1' },
    message: "'latest' alias name (case insensitive) is reserved.",
  }),
  bad('set alias: v1', 'POST', 'registered-models/alias', {
    body: { name: 'good', alias: 'v1', version: '1' },
    message: "Version alias name 'v1' is reserved.",
  }),
  bad('set alias: bad characters', 'POST', 'registered-models/alias', {
    body: { name: 'good', alias: 'bad alias!', version: '1' },
  }),
  bad('set alias: too long', 'POST', 'registered-models/alias', {
    body: { name: 'good', alias: 'a'.repeat(256), version: '1' },
  }),
  bad('set alias: version abc', 'POST', 'registered-models/alias', {
    body: { name: 'good', alias: 'x', version: 'abc' },
    message: "Model version must be an integer, got 'abc'",
  }),
  notFound('set alias: version 99', 'POST', 'registered-models/alias', {
    body: { name: 'good', alias: 'x', version: '99' },
    message: 'Model Version (name=good, version=99) not found',
  }),
  notFound('set alias: unknown model', 'POST', 'registered-models/alias', {
    body: { name: 'nope', alias: 'x', version: '1' },
  }),
  bad('set alias: missing version', 'POST', 'registered-models/alias', { body: { name: 'good', alias: 'x' } }),
  notFound('delete alias: unknown model', 'DELETE', 'registered-models/alias', { body: { name: 'nope', alias: 'x' } }),
  bad('delete alias: empty alias', 'DELETE', 'registered-models/alias', { body: { name: 'good', alias: '' } }),
  bad('delete alias: reserved', 'DELETE', 'registered-models/alias', { body: { name: 'good', alias: 'v2' } }),
  bad('get alias: unknown alias', 'GET', 'registered-models/alias', {
    query: { name: 'good', alias: 'nope' },
    message: 'Registered model alias nope not found.',
  }),
  notFound('get alias: unknown model', 'GET', 'registered-models/alias', {
    query: { name: 'nope', alias: 'champion' },
  }),
  bad('get alias: missing alias', 'GET', 'registered-models/alias', { query: { name: 'good' } }),
  { label: 'create: wrong method', method: 'GET', path: 'registered-models/create', query: { name: 'x' }, status: 405 },
];

/** §13.2: model-versions/create sources that must be refused (with a run whose root is mlflow-artifacts:). */
const BAD_SOURCES: [string, RegExp][] = [
  ['/etc', LOCAL_SOURCE],
  ['/srv', LOCAL_SOURCE],
  ['file:///etc/', LOCAL_SOURCE],
  ['file://./etc', LOCAL_SOURCE],
  ['file://attacker.example/../../../', REMOTE_FILE_SOURCE],
  ['file://123.456.789.123/path/to/source', REMOTE_FILE_SOURCE],
  ['//proc/self/root', LOCAL_SOURCE],
  ['mlflow-artifacts://host:9000/models/../../../', RELATIVE_SOURCE],
  ['mlflow-artifacts://host:9000/models/..%2f..%2fartifacts', RELATIVE_SOURCE],
  ['mlflow-artifacts://host:9000/models/artifact%00', RELATIVE_SOURCE],
  ['http://host:9000/models/../../../', RELATIVE_SOURCE],
  ['https://host/api/2.0/mlflow-artifacts/artifacts/../../../', RELATIVE_SOURCE],
  ['s3a://my_bucket/api/2.0/mlflow-artifacts/artifacts/../../../', RELATIVE_SOURCE],
  ['ftp://host:8888/api/2.0/mlflow-artifacts/artifacts/../../../', RELATIVE_SOURCE],
  ['dbfs:/$RUN/artifacts/a%3f/../../../../../../../../../../', RELATIVE_SOURCE],
  ['gopher://attacker/model', /^Invalid model version source: '.*'\.$/],
  ['s3://bucket/model/%2E%2E/%2E%2E/x', RELATIVE_SOURCE],
  ['gs://bucket/a/../../x', RELATIVE_SOURCE],
];

const MODEL_VERSION_CASES: Case[] = [
  notFound('create: unknown model', 'POST', 'model-versions/create', {
    body: { name: 'nope', source: 'mlflow-artifacts:/models/x' },
  }),
  bad('create: missing source', 'POST', 'model-versions/create', { body: { name: 'good' } }),
  bad('create: numeric source', 'POST', 'model-versions/create', { body: { name: 'good', source: 7 } }),
  ...BAD_SOURCES.map(([source, message]) =>
    bad(`create: source ${source}`, 'POST', 'model-versions/create', {
      body: { name: 'good', source, run_id: '$RUN' },
      message,
    }),
  ),
  bad('create: local source without run_id', 'POST', 'model-versions/create', {
    body: { name: 'good', source: '/tmp/model' },
    message: LOCAL_SOURCE,
  }),
  bad('create: malformed run_id', 'POST', 'model-versions/create', {
    body: { name: 'good', source: 'mlflow-artifacts:/models/x', run_id: '../x' },
  }),
  bad('create: models:/ unknown version', 'POST', 'model-versions/create', {
    body: { name: 'good', source: 'models:/good/99' },
    message: /^Unable to resolve model version source 'models:\/good\/99'/,
  }),
  bad('create: models:/ unknown model', 'POST', 'model-versions/create', {
    body: { name: 'good', source: 'models:/nope/1' },
  }),
  bad('create: models:/ unknown alias', 'POST', 'model-versions/create', {
    body: { name: 'good', source: 'models:/good@nope' },
  }),
  // MLflow 3: one path segment names a logged model; an unknown one is a 404 (MLflow: 500).
  notFound('create: models:/ unknown logged-model id', 'POST', 'model-versions/create', {
    body: { name: 'good', source: 'models:/m-0123456789abcdef0123456789abcdef' },
    message: "Logged model with ID 'm-0123456789abcdef0123456789abcdef' not found.",
  }),
  bad('create: bad tag key', 'POST', 'model-versions/create', {
    body: { name: 'good', source: 'mlflow-artifacts:/models/x', tags: [{ key: 'a$b', value: '' }] },
  }),
  bad('get: version abc', 'GET', 'model-versions/get', {
    query: { name: 'good', version: 'abc' },
    message: "Model version must be an integer, got 'abc'",
  }),
  bad('get: version 1.5', 'GET', 'model-versions/get', { query: { name: 'good', version: '1.5' } }),
  notFound('get: version 99', 'GET', 'model-versions/get', {
    query: { name: 'good', version: '99' },
    message: 'Model Version (name=good, version=99) not found',
  }),
  notFound('get: version -1', 'GET', 'model-versions/get', { query: { name: 'good', version: '-1' } }),
  notFound('get: version beyond int64', 'GET', 'model-versions/get', {
    query: { name: 'good', version: '99999999999999999999' },
  }),
  notFound('get: unknown model', 'GET', 'model-versions/get', { query: { name: 'nope', version: '1' } }),
  bad('get: missing version', 'GET', 'model-versions/get', { query: { name: 'good' } }),
  bad('update: version x', 'PATCH', 'model-versions/update', {
    body: { name: 'good', version: 'x', description: 'd' },
  }),
  notFound('update: version 99', 'PATCH', 'model-versions/update', {
    body: { name: 'good', version: '99', description: 'd' },
  }),
  notFound('delete: version 99', 'DELETE', 'model-versions/delete', { body: { name: 'good', version: '99' } }),
  bad('delete: version x', 'DELETE', 'model-versions/delete', { body: { name: 'good', version: 'x' } }),
  bad('delete: empty body', 'DELETE', 'model-versions/delete', { body: {} }),
  bad('search: string for version_number', 'GET', 'model-versions/search', {
    query: { filter: "version_number = 'a'" },
  }),
  bad('search: decimal version_number', 'GET', 'model-versions/search', { query: { filter: 'version_number = 1.5' } }),
  bad('search: IN without list', 'GET', 'model-versions/search', { query: { filter: "run_id IN 'a'" } }),
  bad('search: IN on source_path', 'GET', 'model-versions/search', { query: { filter: "source_path IN ('a')" } }),
  bad('search: > on a tag', 'GET', 'model-versions/search', { query: { filter: "tags.k > 'a'" } }),
  bad('search: OR', 'GET', 'model-versions/search', { query: { filter: "name LIKE 'x' OR name = 'y'" } }),
  bad('search: unterminated string', 'GET', 'model-versions/search', { query: { filter: "name = 'x" } }),
  bad('search: max_results 200001', 'GET', 'model-versions/search', { query: { max_results: '200001' } }),
  bad('search: order_by foo', 'GET', 'model-versions/search', { query: { order_by: 'foo' } }),
  bad('transition: bad stage', 'POST', 'model-versions/transition-stage', {
    body: { name: 'good', version: '1', stage: 'foo' },
    message: 'Invalid Model Version stage: foo. Value must be one of None, Staging, Production, Archived.',
  }),
  bad('transition: archive into Archived', 'POST', 'model-versions/transition-stage', {
    body: { name: 'good', version: '1', stage: 'Archived', archive_existing_versions: true },
    message: /not an Active stage/,
  }),
  bad('transition: archive into None', 'POST', 'model-versions/transition-stage', {
    body: { name: 'good', version: '1', stage: 'none', archive_existing_versions: true },
  }),
  notFound('transition: version 99', 'POST', 'model-versions/transition-stage', {
    body: { name: 'good', version: '99', stage: 'Staging' },
  }),
  notFound('transition: unknown model', 'POST', 'model-versions/transition-stage', {
    body: { name: 'nope', version: '1', stage: 'Staging' },
  }),
  bad('transition: missing stage', 'POST', 'model-versions/transition-stage', { body: { name: 'good', version: '1' } }),
  bad('transition: archive flag not a bool', 'POST', 'model-versions/transition-stage', {
    body: { name: 'good', version: '1', stage: 'Staging', archive_existing_versions: 'maybe' },
  }),
  notFound('set-tag: version 99', 'POST', 'model-versions/set-tag', {
    body: { name: 'good', version: '99', key: 'k', value: 'v' },
  }),
  bad('set-tag: missing value', 'POST', 'model-versions/set-tag', { body: { name: 'good', version: '1', key: 'k' } }),
  bad('set-tag: bad key', 'POST', 'model-versions/set-tag', {
    body: { name: 'good', version: '1', key: 'a//b', value: 'v' },
  }),
  bad('set-tag: value too long', 'POST', 'model-versions/set-tag', {
    body: { name: 'good', version: '1', key: 'k', value: LONG_VALUE },
  }),
  notFound('delete-tag: version 99', 'DELETE', 'model-versions/delete-tag', {
    body: { name: 'good', version: '99', key: 'k' },
  }),
  bad('delete-tag: bad key', 'DELETE', 'model-versions/delete-tag', {
    body: { name: 'good', version: '1', key: '/abs' },
  }),
  notFound('download-uri: version 99', 'GET', 'model-versions/get-download-uri', {
    query: { name: 'good', version: '99' },
  }),
  bad('download-uri: version abc', 'GET', 'model-versions/get-download-uri', {
    query: { name: 'good', version: 'abc' },
  }),
  notFound('download-uri: unknown model', 'GET', 'model-versions/get-download-uri', {
    query: { name: 'nope', version: '1' },
  }),
  bad('download-uri: missing name', 'GET', 'model-versions/get-download-uri', { query: { version: '1' } }),
];

function queryString(query?: Case['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
  return `?${params.toString()}`;
}

describe('registry bad input (sqlite)', () => {
  let server: TestServer;
  let runId: string;
  const substitute = <T>(value: T): T =>
    value === undefined ? value : JSON.parse(JSON.stringify(value).replace(/\$RUN/g, runId));

  async function send(prefix: string, c: Case) {
    const body = typeof c.body === 'string' ? c.body : substitute(c.body);
    return http(server.url, c.method, `${prefix}/mlflow/${c.path}${queryString(c.query)}`, body, c.headers);
  }

  beforeAll(async () => {
    server = await startServer();
    const post = (p: string, body: unknown) => http(server.url, 'POST', `/api/2.0/mlflow/${p}`, body);
    runId = (await post('runs/create', { experiment_id: '0' })).body.run.info.run_id;
    expect((await post('registered-models/create', { name: 'good', tags: [{ key: 't', value: '1' }] })).status).toBe(
      200,
    );
    expect((await post('registered-models/create', { name: 'other' })).status).toBe(200);
    expect(
      (await post('model-versions/create', { name: 'good', source: 'mlflow-artifacts:/1/x/artifacts/model' })).status,
    ).toBe(200);
    expect((await post('registered-models/alias', { name: 'good', alias: 'champion', version: '1' })).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
  });

  for (const prefix of ['/api/2.0', '/ajax-api/2.0']) {
    describe(prefix, () => {
      it.each([...REGISTERED_MODEL_CASES, ...MODEL_VERSION_CASES].map((c) => [c.label, c] as const))(
        '%s',
        async (_label, c) => {
          const res = await send(prefix, c);
          expect(res.status, res.text).toBe(c.status);
          expect(res.headers.get('content-type')).toMatch(/application\/json/);
          expect(res.body).toEqual({ error_code: expect.any(String), message: expect.any(String) });
          if (c.code) expect(res.body.error_code).toBe(c.code);
          if (typeof c.message === 'string') expect(res.body.message).toBe(c.message);
          else if (c.message) expect(res.body.message).toMatch(c.message);
        },
      );
    });
  }

  describe('champion API', () => {
    const promote = (name: string, body: unknown) =>
      http(server.url, 'POST', `/api/v1/models/${encodeURIComponent(name)}/champion`, body);
    it.each([
      ['neither run_id nor version', 'good', {}, 400],
      ['both run_id and version', 'good', { run_id: '$RUN', version: '1' }, 400],
      ['version abc', 'good', { version: 'abc' }, 400],
      ['version 99', 'good', { version: '99' }, 404],
      ['unknown model by version', 'nope', { version: '1' }, 404],
      ['unknown run', 'good', { run_id: 'f'.repeat(32) }, 404],
      ['malformed run id', 'good', { run_id: 'a/../b' }, 400],
      ['run_id not a string', 'good', { run_id: 5 }, 400],
      ['model name a/b', 'a/b', { run_id: '$RUN' }, 400],
      ['model name a:b', 'a:b', { run_id: '$RUN' }, 400],
      ['model name m%6fdel', 'm%6fdel', { run_id: '$RUN' }, 400],
    ] as const)('%s', async (_label, name, body, status) => {
      const res = await promote(name, substitute(body));
      expect(res.status, res.text).toBe(status);
      expect(res.body).toEqual({ error_code: expect.any(String), message: expect.any(String) });
    });

    it('GET champion of an unknown model is 404', async () => {
      const res = await http(server.url, 'GET', '/api/v1/models/nope/champion');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: 'Registered Model with name=nope not found',
      });
    });
  });

  it('left the registry untouched', async () => {
    const get = async (p: string) => (await http(server.url, 'GET', `/api/2.0/mlflow/${p}`)).body;
    const models = await get('registered-models/search');
    expect(models.registered_models.map((m: { name: string }) => m.name)).toEqual(['good', 'other']);
    const good = models.registered_models[0];
    expect(good).toMatchObject({ tags: [{ key: 't', value: '1' }], aliases: [{ alias: 'champion', version: '1' }] });
    expect(good).not.toHaveProperty('description');
    const versions = await get(`model-versions/search?filter=${encodeURIComponent("name='good'")}`);
    expect(versions.model_versions).toHaveLength(1);
    expect(versions.model_versions[0]).toMatchObject({ version: '1', current_stage: 'None' });
    expect(versions.model_versions[0]).not.toHaveProperty('tags');
  });

  it('accepts the sources MLflow accepts', async () => {
    const run = (await http(server.url, 'GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`)).body.run.info;
    const accepted = [
      'mlflow-artifacts:/models',
      'mlflow-artifacts:/models/',
      'mlflow-artifacts:/models///',
      'mlflow-artifacts:/models/foo///bar',
      'mlflow-artifacts://host:9000/models',
      'mlflow-artifacts://host:9000/models/artifact/..../',
      run.artifact_uri,
      `${run.artifact_uri}/model`,
    ];
    await http(server.url, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'accepting' });
    for (const source of accepted) {
      const res = await http(server.url, 'POST', '/api/2.0/mlflow/model-versions/create', {
        name: 'accepting',
        source,
        run_id: runId,
      });
      expect(res.status, `${source}: ${res.text}`).toBe(200);
      expect(res.body.model_version.source).toBe(source);
    }
  });
});
