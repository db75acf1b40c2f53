import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECTED_PATHS } from './support/artifact-path-vectors';
import { TEST_POSTGRES_URL } from './support/postgres';
import { rawRequest } from './support/raw-http';
import { http, startServer, TestServer } from './support/server';

/**
 * Issue 15 items 3 and 4: MLflow's UI helper routes (§6.4), 404 for unknown routes whatever
 * the body, and the wire details (floats, content types), on sqlite and Postgres.
 */
const BACKENDS = [
  { database: 'sqlite' as const, enabled: true },
  { database: 'postgres' as const, enabled: !!TEST_POSTGRES_URL },
];

for (const { database, enabled } of BACKENDS)
  describe.skipIf(!enabled)(`MLflow UI routes and wire details (${database})`, () => {
    let server: TestServer;
    let runA: string;
    let runB: string;
    let artifactUri: string;
    const api = (method: string, p: string, body?: unknown) => http(server.url, method, `/api/2.0/mlflow/${p}`, body);
    const put = (p: string, body: string) =>
      rawRequest(server.url, 'PUT', `/api/2.0/mlflow-artifacts/artifacts/${p}`, body, {
        'content-type': 'application/octet-stream',
      });
    const q = encodeURIComponent;

    beforeAll(async () => {
      server = await startServer({ database });
      const exp = (await api('POST', 'experiments/create', { name: 'ui' })).body.experiment_id;
      const a = (await api('POST', 'runs/create', { experiment_id: exp })).body.run.info;
      const b = (await api('POST', 'runs/create', { experiment_id: exp })).body.run.info;
      [runA, runB, artifactUri] = [a.run_id, b.run_id, a.artifact_uri];
      const proxied = artifactUri.replace('mlflow-artifacts:/', '');
      expect((await put(`${proxied}/model/MLmodel`, 'flavors: {}\n')).status).toBe(200);
      expect((await put(`${proxied}/model/data.bin`, '\u0001\u0002')).status).toBe(200);
      expect((await put(`${proxied}/notes.txt`, 'hello')).status).toBe(200);
      for (const [run, values] of [
        [runA, [3, 1, 2]],
        [runB, [9]],
      ] as const) {
        await api('POST', 'runs/log-batch', {
          run_id: run,
          metrics: values.map((value, step) => ({ key: 'loss', value, timestamp: 1000 + step, step })),
        });
      }
      await api('POST', 'runs/log-inputs', {
        run_id: runA,
        datasets: [
          {
            tags: [{ key: 'mlflow.data.context', value: 'training' }],
            dataset: { name: 'prices', digest: 'abc', source_type: 'local', source: '{}' },
          },
        ],
      });
      await api('POST', 'runs/log-inputs', {
        run_id: runB,
        datasets: [{ dataset: { name: 'other', digest: 'def', source_type: 'local', source: '{}' } }],
      });
      await api('POST', 'registered-models/create', { name: 'ui-m' });
      await api('POST', 'model-versions/create', { name: 'ui-m', source: `${artifactUri}/model`, run_id: runA });
      await api('POST', 'model-versions/create', { name: 'ui-m', source: 'https://attacker.example/m' });
    });
    afterAll(async () => {
      await server?.close();
    });

    describe('GET /get-artifact', () => {
      it('streams a run file as an attachment with MLflow content types (run_id or run_uuid)', async () => {
        const res = await rawRequest(server.url, 'GET', `/get-artifact?run_id=${runA}&path=model/MLmodel`);
        expect(res.status).toBe(200);
        expect(res.body.toString()).toBe('flavors: {}\n');
        expect(res.headers['content-type']).toBe('text/plain');
        expect(res.headers['content-disposition']).toBe('attachment; filename=MLmodel');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        const txt = await rawRequest(server.url, 'GET', `/get-artifact?run_uuid=${runA}&path=notes.txt`);
        expect([txt.status, txt.headers['content-type'], txt.body.toString()]).toEqual([200, 'text/plain', 'hello']);
        const bin = await rawRequest(server.url, 'GET', `/get-artifact?run_id=${runA}&path=${q('model/data.bin')}`);
        expect(bin.headers['content-type']).toBe('application/octet-stream');
      });

      it('missing file → 404, unknown run → 404, missing path or run → 400, a directory → 400', async () => {
        const cases: Array<[string, number]> = [
          [`/get-artifact?run_id=${runA}&path=nope.txt`, 404],
          [`/get-artifact?run_id=${'0'.repeat(32)}&path=x`, 404],
          [`/get-artifact?run_id=${runA}`, 400],
          ['/get-artifact?path=x', 400],
          [`/get-artifact?run_id=${runA}&path=model`, 400],
        ];
        for (const [url, status] of cases) {
          const res = await rawRequest(server.url, 'GET', url);
          expect(res.status, url).toBe(status);
          expect(res.json.error_code, url).toMatch(/^(RESOURCE_DOES_NOT_EXIST|INVALID_PARAMETER_VALUE)$/);
        }
      });

      it.each(REJECTED_PATHS)('refuses the traversal vector %s', async (p) => {
        const res = await rawRequest(server.url, 'GET', `/get-artifact?run_id=${runA}&path=${q(p)}`);
        expect(res.status).toBe(400);
        expect(res.json).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' });
      });
    });

    describe('GET /model-versions/get-artifact', () => {
      it('streams a file under the version download URI', async () => {
        const res = await rawRequest(
          server.url,
          'GET',
          '/model-versions/get-artifact?name=ui-m&version=1&path=MLmodel',
        );
        expect(res.status).toBe(200);
        expect(res.body.toString()).toBe('flavors: {}\n');
        expect(res.headers['content-type']).toBe('text/plain');
      });

      it('never fetches a remote source (501), unknown versions 404, traversal 400', async () => {
        const remote = await rawRequest(server.url, 'GET', '/model-versions/get-artifact?name=ui-m&version=2&path=x');
        expect(remote.status).toBe(501);
        const missing = await rawRequest(server.url, 'GET', '/model-versions/get-artifact?name=ui-m&version=9&path=x');
        expect(missing.status).toBe(404);
        for (const p of ['../../../etc/passwd', '%2E%2E%2F%2E%2E%2Fetc', '/etc/passwd']) {
          const res = await rawRequest(
            server.url,
            'GET',
            `/model-versions/get-artifact?name=ui-m&version=1&path=${q(p)}`,
          );
          expect(res.status, p).toBe(400);
        }
      });
    });

    describe('POST /ajax-api/2.0/mlflow/upload-artifact', () => {
      const upload = (query: string, body: Buffer | string) =>
        rawRequest(server.url, 'POST', `/ajax-api/2.0/mlflow/upload-artifact?${query}`, body, {
          'content-type': 'image/png',
        });

      it("writes into the run's artifacts (readable through get-artifact and the listing)", async () => {
        const res = await upload(`run_uuid=${runB}&path=images/plot.png`, Buffer.from('PNGDATA'));
        expect(res.status).toBe(200);
        const back = await rawRequest(server.url, 'GET', `/get-artifact?run_id=${runB}&path=images/plot.png`);
        expect([back.status, back.body.toString(), back.headers['content-type']]).toEqual([
          200,
          'PNGDATA',
          'image/png',
        ]);
        const list = await api('GET', `artifacts/list?run_id=${runB}&path=images`);
        expect(list.body.files).toEqual([{ path: 'images/plot.png', is_dir: false, file_size: 7 }]);
      });

      it("MLflow's errors: missing run_uuid / path / data, over 10 MB, traversal", async () => {
        const cases: Array<[string, Buffer | string, string]> = [
          ['path=a.png', 'x', 'Request must specify run_uuid.'],
          [`run_uuid=${runB}`, 'x', 'Request must specify path.'],
          [`run_uuid=${runB}&path=a.png`, '', 'Request must specify data.'],
          [
            `run_uuid=${runB}&path=big.bin`,
            Buffer.alloc(10 * 1024 * 1024 + 1),
            'Artifact size is too large. Max size is 10MB.',
          ],
          [`run_uuid=${runB}&path=${q('../../../../tmp/x')}`, 'x', 'Invalid path'],
        ];
        for (const [query, body, message] of cases) {
          const res = await upload(query, body);
          expect(res.status, query).toBe(400);
          expect(res.json.message, query).toBe(message);
        }
      });
    });

    describe('GET /ajax-api/2.0/mlflow/metrics/get-history-bulk', () => {
      it('returns every point of the runs, by run id then timestamp, capped by max_results', async () => {
        const res = await http(
          server.url,
          'GET',
          `/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=${runB}&run_id=${runA}&metric_key=loss`,
        );
        expect(res.status).toBe(200);
        const [first, second] = [runA, runB].sort();
        const expected = [first, second].flatMap((id) =>
          (id === runA ? [3, 1, 2] : [9]).map((value, step) => ({
            key: 'loss',
            value,
            timestamp: 1000 + step,
            step,
            run_id: id,
          })),
        );
        expect(res.body.metrics).toEqual(expected);
        const capped = await http(
          server.url,
          'GET',
          `/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=${runA}&run_id=${runB}&metric_key=loss&max_results=2`,
        );
        expect(capped.body.metrics).toHaveLength(2);
        const none = await http(
          server.url,
          'GET',
          `/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=${runA}&metric_key=x`,
        );
        expect(none.body).toEqual({ metrics: [] });
      });

      it('validates like MLflow (and 400 where MLflow would 500); not served under /api/2.0', async () => {
        const base = '/ajax-api/2.0/mlflow/metrics/get-history-bulk';
        const many = Array.from({ length: 101 }, (_, i) => `run_id=${i.toString(16).padStart(32, '0')}`).join('&');
        const cases: Array<[string, string]> = [
          [`${base}?metric_key=loss`, 'GetMetricHistoryBulk request must specify at least one run_id.'],
          [`${base}?run_id=${runA}`, 'GetMetricHistoryBulk request must specify a metric_key.'],
          [
            `${base}?${many}&metric_key=loss`,
            'GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received 101 run_ids.',
          ],
          [
            `${base}?run_id=${runA}&metric_key=loss&max_results=abc`,
            // The one integer validator of every route (non-finite and out-of-range values too).
            'Invalid value "abc" for parameter \'max_results\' supplied: expected one integer from 1 to 2147483647.',
          ],
        ];
        for (const [url, message] of cases) {
          const res = await http(server.url, 'GET', url);
          expect(res.status, url).toBe(400);
          expect(res.body.message).toBe(message);
        }
        const api2 = await http(
          server.url,
          'GET',
          `/api/2.0/mlflow/metrics/get-history-bulk?run_id=${runA}&metric_key=loss`,
        );
        expect(api2.status).toBe(404);
      });
    });

    describe('POST /ajax-api/2.0/mlflow/experiments/search-datasets', () => {
      const search = (body: unknown) =>
        http(server.url, 'POST', '/ajax-api/2.0/mlflow/experiments/search-datasets', body);

      it('lists the datasets used by runs, with their context', async () => {
        const exp = (await api('GET', `runs/get?run_id=${runA}`)).body.run.info.experiment_id;
        const res = await search({ experiment_ids: [exp] });
        expect(res.status).toBe(200);
        expect(res.body.dataset_summaries).toEqual([
          { experiment_id: exp, name: 'other', digest: 'def', context: null },
          { experiment_id: exp, name: 'prices', digest: 'abc', context: 'training' },
        ]);
        expect((await search({ experiment_ids: ['999'] })).body).toEqual({ dataset_summaries: [] });
      });

      it("MLflow's errors; JSON content type required", async () => {
        expect((await search({})).body.message).toBe('SearchDatasets request must specify at least one experiment_id.');
        const tooMany = await search({ experiment_ids: Array.from({ length: 21 }, (_, i) => String(i)) });
        expect(tooMany.body.message).toBe(
          'SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.',
        );
        expect((await search({ experiment_ids: ['x;drop'] })).status).toBe(400);
        const text = await http(server.url, 'POST', '/ajax-api/2.0/mlflow/experiments/search-datasets', '{}', {
          'content-type': 'text/plain',
        });
        expect(text.status).toBe(400);
      });
    });

    describe('unknown routes answer 404 ENDPOINT_NOT_FOUND whatever the body', () => {
      it.each([
        ['POST', 'not json', 'application/json'],
        ['POST', '{"a":', 'application/json'],
        ['POST', 'x=1', 'text/plain'],
        ['PUT', '\u0000\u0001', 'application/octet-stream'],
        ['GET', '{{{', 'application/json'],
        ['DELETE', 'nope', 'application/json'],
        ['PATCH', '[', 'application/json'],
      ])('%s with body %j (%s)', async (method, body, type) => {
        for (const url of ['/api/2.0/mlflow/no-such-route', '/ajax-api/2.0/mlflow/runs/nope', '/nothing/here']) {
          const res = await rawRequest(server.url, method, url, body, { 'content-type': type });
          expect(res.status, `${method} ${url}`).toBe(404);
          expect(res.json.error_code).toBe('ENDPOINT_NOT_FOUND');
        }
      });

      it('keeps the connection usable after an unread body', async () => {
        const res = await rawRequest(server.url, 'POST', '/api/2.0/mlflow/nope', 'x'.repeat(200_000), {
          'content-type': 'application/json',
        });
        expect(res.status).toBe(404);
        expect((await http(server.url, 'GET', '/health')).status).toBe(200);
      });
    });

    describe('wire details', () => {
      it('a JSON 9.0 is reported back as the float MLflow saw', async () => {
        const res = await http(server.url, 'POST', '/api/2.0/mlflow/runs/log-metric', '{"run_id": 9.0, "key": "k"}');
        expect(res.status).toBe(400);
        expect(res.body.message).toBe(
          "Invalid value 9.0 for parameter 'run_id' supplied: Hint: Value was of type 'float'. See the API docs for more information about request parameters.",
        );
        const int = await http(server.url, 'POST', '/api/2.0/mlflow/runs/log-metric', '{"run_id": 9, "key": "k"}');
        expect(int.body.message).toContain(
          "Invalid value 9 for parameter 'run_id' supplied: Hint: Value was of type 'int'",
        );
        const ok = await http(
          server.url,
          'POST',
          '/api/2.0/mlflow/runs/log-metric',
          `{"run_id": "${runB}", "key": "f", "value": 9.0, "timestamp": 5.0e3, "step": 1.0}`,
        );
        expect(ok.status, ok.text).toBe(200);
        const hist = await api('GET', `metrics/get-history?run_id=${runB}&metric_key=f`);
        expect(hist.body.metrics).toEqual([{ key: 'f', value: 9, timestamp: 5000, step: 1 }]);
      });

      it('proxy downloads use text/plain for text files, MLmodel and MLproject', async () => {
        const proxied = artifactUri.replace('mlflow-artifacts:/', '');
        for (const [name, type] of [
          ['model/MLmodel', 'text/plain'],
          ['notes.txt', 'text/plain'],
          ['model/data.bin', 'application/octet-stream'],
        ]) {
          const res = await rawRequest(server.url, 'GET', `/api/2.0/mlflow-artifacts/artifacts/${proxied}/${name}`);
          expect(res.headers['content-type'], name).toBe(type);
        }
        expect((await put(`${proxied}/MLproject`, 'name: p')).status).toBe(200);
        const mlproject = await rawRequest(
          server.url,
          'GET',
          `/api/2.0/mlflow-artifacts/artifacts/${proxied}/MLproject`,
        );
        expect(mlproject.headers['content-type']).toBe('text/plain');
      });

      it('a relative artifact_location is kept as an absolute path (not a file:// URI)', async () => {
        const local = await startServer({ database: 'sqlite', env: { TSFLOW_LOCAL_ARTIFACT_ROOTS: process.cwd() } });
        try {
          const res = await http(local.url, 'POST', '/api/2.0/mlflow/experiments/create', {
            name: 'rel',
            artifact_location: 'mlruns-rel',
          });
          const exp = await http(
            local.url,
            'GET',
            `/api/2.0/mlflow/experiments/get?experiment_id=${res.body.experiment_id}`,
          );
          expect(exp.body.experiment.artifact_location).toBe(`${process.cwd()}/mlruns-rel`);
        } finally {
          await local.close();
        }
      });
    });
  });
