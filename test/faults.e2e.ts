import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';
import { logModelRun, promote, removeTinyModels, TinyModel, trainTinyModel, waitFor } from './support/serving';
import { BACKENDS } from './support/tracking';

const API = '/api/2.0/mlflow';

describe.each(BACKENDS)('issue 16 faults ($db)', ({ db, skip }) => {
  let s: TestServer;
  const call = (method: string, path: string, body?: unknown) => http(s.url, method, path, body);

  beforeAll(async () => {
    if (!skip) s = await startServer({ database: db });
  }, 120_000);
  afterAll(async () => s?.close());

  it.skipIf(skip)('fault 7: bad integers on tsflow routes and "" for a repeated field are 400, not 500', async () => {
    for (const q of [
      'max_results=abc',
      'max_results=1.5',
      'max_results=NaN',
      'max_results=1&max_results=2',
      'offset=1e999',
    ])
      expect((await call('GET', `/api/v1/training/grid-searches?${q}`)).status, q).toBe(400);
    expect((await call('GET', '/api/v1/training/grid-searches?max_results=5&offset=0')).status).toBe(200);
    const search = await call('POST', `${API}/runs/search`, { experiment_ids: '' });
    expect([search.status, search.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
  });

  it.skipIf(skip)('fault 7: a NUL in a path parameter is a 400 on every store', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/training/runs/a%00b'],
      ['DELETE', '/api/v1/training/runs/a%00b'],
      ['GET', '/api/v1/training/grid-searches/a%00b'],
      ['DELETE', '/api/v1/training/grid-searches/a%00b'],
      ['GET', '/api/v1/training/grid-searches/a%00b/events'],
      ['GET', '/api/v1/models/a%00b/champion'],
      ['POST', '/api/v1/models/a%00b/champion'],
      ['GET', `${API}/logged-models/a%00b`],
      ['GET', '/api/3.0/mlflow/traces/a%00b'],
    ]) {
      const res = await call(method, path, method === 'POST' ? { version: '1' } : undefined);
      expect([res.status, res.body?.error_code], `${method} ${path}`).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    }
  });

  it.skipIf(skip)(
    'fault 6: alias, champion and tag writes racing a rename or delete never answer 500',
    async () => {
      const exp = await call('POST', `${API}/experiments/create`, { name: `race-${db}` });
      const run = (await call('POST', `${API}/runs/create`, { experiment_id: exp.body.experiment_id })).body.run.info;
      const statuses: number[] = [];
      for (let round = 0; round < 15; round++) {
        const name = `race-${round}`;
        expect((await call('POST', `${API}/registered-models/create`, { name })).status).toBe(200);
        const v = { name, source: `runs:/${run.run_id}/model`, run_id: run.run_id };
        expect((await call('POST', `${API}/model-versions/create`, v)).status).toBe(200);
        const writes = [
          call('POST', `${API}/registered-models/alias`, { name, alias: 'champion', version: '1' }),
          call('POST', `/api/v1/models/${name}/champion`, { version: '1' }),
          call('POST', `${API}/registered-models/set-tag`, { name, key: 'k', value: 'v' }),
          call('POST', `${API}/model-versions/set-tag`, { name, version: '1', key: 'k', value: 'v' }),
          call('POST', `${API}/registered-models/alias`, { name, alias: 'b', version: '1' }),
        ];
        const change =
          round % 2 === 0
            ? call('POST', `${API}/registered-models/rename`, { name, new_name: `${name}-renamed` })
            : call('DELETE', `${API}/registered-models/delete`, { name });
        const results = await Promise.all([...writes, change, ...writes.slice(0, 2)]);
        statuses.push(...results.map((r) => r.status));
      }
      expect(statuses.filter((st) => st >= 500)).toEqual([]);
      expect(new Set(statuses.filter((st) => st !== 200))).toEqual(new Set(statuses.filter((st) => st === 404)));
    },
    120_000,
  );
});

describe('fault 2: a repeated ?model= never becomes a model name', () => {
  let s: TestServer;
  let tiny: TinyModel;
  beforeAll(async () => {
    tiny = await trainTinyModel({ seed: 3 });
    s = await startServer();
    await promote(s.url, 'm', await logModelRun(s.url, tiny.dir));
    await waitFor(async () => (await http(s.url, 'GET', '/ping?model=m')).status === 200, 'champion loaded', 30_000);
  }, 120_000);
  afterAll(async () => {
    tiny?.predictor.dispose();
    await s?.close();
    removeTinyModels();
  });

  it('answers 400 to /ping and /invocations, and /health stays OK', async () => {
    for (let i = 0; i < 2; i++) {
      const ping = await http(s.url, 'GET', '/ping?model=a&model=b');
      expect([ping.status, ping.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
      const inv = await http(s.url, 'POST', '/invocations?model=m&model=m', { inputs: [1, 2, 3] });
      expect(inv.status).toBe(400);
    }
    const health = await http(s.url, 'GET', '/health');
    expect(health.status, health.text).toBe(200);
  });
});
