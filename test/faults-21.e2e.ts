import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';
import { BACKENDS } from './support/tracking';

const API = '/api/2.0/mlflow';
const BAD_INTEGERS = ['Infinity', '-Infinity', '1e999', 'NaN', '99999999999999999999', '1.5', '-1', '0x10'];

describe.each(BACKENDS)('issue 21 integer parameters ($db)', ({ db, skip }) => {
  let s: TestServer;
  const call = (method: string, path: string, body?: unknown) => http(s.url, method, path, body);

  beforeAll(async () => {
    if (!skip) s = await startServer({ database: db });
  }, 120_000);
  afterAll(async () => s?.close());

  it.skipIf(skip)(
    'every integer query parameter refuses non-finite and out-of-range values with a 400 naming it',
    async () => {
      const run = (await call('POST', `${API}/runs/create`, { experiment_id: '0' })).body.run.info.run_id;
      const routes: [string, string][] = [
        ['/api/v1/monitors?offset=', 'offset'],
        ['/api/v1/monitors?max_results=', 'max_results'],
        ['/api/v1/monitors/nope?max_checks=', 'max_checks'],
        ['/api/v1/training/grid-searches?offset=', 'offset'],
        ['/api/v1/training/grid-searches?max_results=', 'max_results'],
        [`/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=${run}&metric_key=m&max_results=`, 'max_results'],
        [`${API}/experiments/search?max_results=`, 'max_results'],
        [`${API}/registered-models/search?max_results=`, 'max_results'],
        [`${API}/model-versions/search?max_results=`, 'max_results'],
        [`${API}/metrics/get-history?run_id=${run}&metric_key=m&max_results=`, 'max_results'],
      ];
      for (const [route, param] of routes) {
        for (const bad of BAD_INTEGERS) {
          const res = await call('GET', `${route}${encodeURIComponent(bad)}`);
          expect([res.status, res.body?.error_code], `${route}${bad}`).toEqual([400, 'INVALID_PARAMETER_VALUE']);
          expect(res.body.message, `${route}${bad}`).toContain(param);
        }
      }
      expect((await call('GET', '/api/v1/monitors?offset=0&max_results=5')).status).toBe(200);
      expect((await call('GET', '/api/v1/monitors?offset=2147483647')).status).toBe(200);
    },
  );

  it.skipIf(skip)('integer body fields refuse JSON numbers that overflow to Infinity', async () => {
    for (const [path, field] of [
      [`${API}/runs/search`, '"experiment_ids":["0"],"max_results"'],
      [`${API}/experiments/search`, '"max_results"'],
      [`${API}/logged-models/search`, '"experiment_ids":["0"],"max_results"'],
      ['/api/3.0/mlflow/traces/search', '"locations":[],"max_results"'],
    ]) {
      for (const bad of ['1e999', '-1e999', '1.5e300']) {
        const res = await call('POST', path, `{${field}: ${bad}}`);
        expect([res.status, res.body?.error_code], `${path} ${bad}`).toEqual([400, 'INVALID_PARAMETER_VALUE']);
        expect(res.body.message, `${path} ${bad}`).toContain('max_results');
      }
    }
  });
});
