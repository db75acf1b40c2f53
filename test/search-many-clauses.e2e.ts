import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, http, TestServer } from './support/server';
import { BACKENDS } from './support/tracking';

/** Searches with many clauses take the fixed-join-order path on Postgres; results must not change. */
describe.each(BACKENDS)('search with many clauses ($db)', ({ db, skip }) => {
  describe.skipIf(skip)('', () => {
    let server: TestServer;
    let experimentId: string;
    const api = (p: string, body: unknown) => http(server.url, 'POST', `/api/2.0/mlflow/${p}`, body);
    beforeAll(async () => {
      server = await startServer({ database: db });
      experimentId = (await api('experiments/create', { name: 'many' })).body.experiment_id;
      for (let i = 0; i < 12; i++) {
        const runId = (await api('runs/create', { experiment_id: experimentId, start_time: 1000 + i })).body.run.info
          .run_id;
        const params = Array.from({ length: 10 }, (_, k) => ({ key: `p${k}`, value: k === 0 ? `v${i % 3}` : 'x' }));
        await api('runs/log-batch', {
          run_id: runId,
          params,
          metrics: [{ key: 'm', value: i, timestamp: 1, step: 0 }],
        });
      }
    });
    afterAll(async () => {
      await server?.close();
    });

    it('filters on 12 clauses and orders by a metric', async () => {
      const filter = [
        `params.p0 = 'v1'`,
        ...Array.from({ length: 9 }, (_, k) => `params.p${k + 1} = 'x'`),
        'metrics.m >= 0',
        "attributes.status = 'RUNNING'",
      ].join(' and ');
      const res = await api('runs/search', {
        experiment_ids: [experimentId],
        filter,
        order_by: ['metrics.m DESC'],
        max_results: 100,
      });
      expect(res.status).toBe(200);
      const values = res.body.runs.map((r: any) => r.data.metrics[0].value);
      expect(values).toEqual([10, 7, 4, 1]);
    });
  });
});
