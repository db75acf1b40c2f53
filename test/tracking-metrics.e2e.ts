import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TestServer } from './support/server';
import { BACKENDS, expectError, MetricIn, TrackingApi, unique } from './support/tracking';

const MAX_DOUBLE = 1.7976931348623157e308;

/** Metric semantics (mlflow-api.md §9): NaN/Inf, latest_metrics, duplicates, T22 history, T23 bulk interval. */
describe.each(BACKENDS)('tracking metrics ($db)', ({ db, skip }) => {
  describe.skipIf(skip)('', () => {
    let server: TestServer;
    let api: TrackingApi;
    let exp: string;
    const newRun = async () => (await api.createRun(exp)).info.run_id as string;
    const latest = async (runId: string, key: string) =>
      (await api.getRun(runId)).data.metrics?.find((m: any) => m.key === key);

    beforeAll(async () => {
      server = await startServer({ database: db });
      api = new TrackingApi(server.url);
      exp = await api.createExperiment(unique('metrics'));
    });
    afterAll(async () => {
      await server?.close();
    });

    describe('NaN and infinities', () => {
      it('stores NaN and returns it as the string "NaN" in runs and history', async () => {
        const id = await newRun();
        await api.logMetric(id, 'nan', 'NaN', 5, 1);
        const res = await api.get('runs/get', { run_id: id });
        expect(res.text).toContain('"value":"NaN"');
        expect(res.body.run.data.metrics).toEqual([{ key: 'nan', value: 'NaN', timestamp: 5, step: 1 }]);
        expect((await api.history(id, 'nan')).metrics).toEqual([{ key: 'nan', value: 'NaN', timestamp: 5, step: 1 }]);
      });

      it('stores +/-Infinity as +/-max double, as MLflow SQL stores do', async () => {
        const id = await newRun();
        await api.logBatch(id, {
          metrics: [
            { key: 'pos', value: 'Infinity', timestamp: 1 },
            { key: 'neg', value: '-Infinity', timestamp: 1 },
          ],
        });
        expect((await latest(id, 'pos')).value).toBe(MAX_DOUBLE);
        expect((await latest(id, 'neg')).value).toBe(-MAX_DOUBLE);
        const hist = await api.get('metrics/get-history', { run_id: id, metric_key: 'pos' });
        expect(hist.text).toContain('1.7976931348623157e+308');
        expect(hist.text).not.toContain('Infinity');
      });

      it('rejects non-numeric values (bool, junk strings) with 400', async () => {
        const id = await newRun();
        for (const value of [true, 'abc', null, {}]) {
          expectError(
            await api.post('runs/log-metric', { run_id: id, key: 'm', value, timestamp: 1 }),
            400,
            'INVALID_PARAMETER_VALUE',
          );
        }
        expect((await api.getRun(id)).data).not.toHaveProperty('metrics');
      });
    });

    describe('latest_metrics', () => {
      it('is the max by (step, timestamp, value) across separate requests', async () => {
        const id = await newRun();
        const steps: [MetricIn, number][] = [
          [{ key: 'm', value: 5, timestamp: 1, step: 2 }, 5],
          [{ key: 'm', value: 7, timestamp: 9, step: 1 }, 5], // lower step loses despite later timestamp
          [{ key: 'm', value: 1, timestamp: 2, step: 2 }, 1], // same step, later timestamp wins
          [{ key: 'm', value: 3, timestamp: 2, step: 2 }, 3], // same step and timestamp: larger value wins
          [{ key: 'm', value: 2, timestamp: 2, step: 2 }, 3],
          [{ key: 'm', value: -4, timestamp: 0, step: 3 }, -4],
        ];
        for (const [m, expected] of steps) {
          await api.logMetric(id, m.key, m.value, m.timestamp, m.step);
          expect((await latest(id, 'm')).value).toBe(expected);
        }
        expect(await latest(id, 'm')).toEqual({ key: 'm', value: -4, timestamp: 0, step: 3 });
      });

      it('is the max by (step, timestamp, value) within one unordered batch', async () => {
        const id = await newRun();
        await api.logBatch(id, {
          metrics: [
            { key: 'b', value: 9, timestamp: 50, step: 1 },
            { key: 'b', value: 4, timestamp: 10, step: 7 },
            { key: 'b', value: 8, timestamp: 10, step: 7 },
            { key: 'b', value: 6, timestamp: 5, step: 7 },
            { key: 'c', value: 1, timestamp: 1 },
          ],
        });
        expect(await latest(id, 'b')).toEqual({ key: 'b', value: 8, timestamp: 10, step: 7 });
        expect(await latest(id, 'c')).toEqual({ key: 'c', value: 1, timestamp: 1, step: 0 });
      });

      it('treats NaN as 0 when comparing values at the same step and timestamp', async () => {
        const id = await newRun();
        await api.logMetric(id, 'n', 3, 1, 1);
        await api.logMetric(id, 'n', 'NaN', 1, 1);
        expect((await latest(id, 'n')).value).toBe(3);
        await api.logMetric(id, 'k', -1, 1, 1);
        await api.logMetric(id, 'k', 'NaN', 1, 1);
        expect((await latest(id, 'k')).value).toBe('NaN');
        await api.logMetric(id, 'k', 'NaN', 1, 2);
        expect(await latest(id, 'k')).toEqual({ key: 'k', value: 'NaN', timestamp: 1, step: 2 });
      });

      it('ignores exact duplicate points (idempotent retries), including NaN', async () => {
        const id = await newRun();
        const points = [
          { key: 'd', value: 1.5, timestamp: 3, step: 1 },
          { key: 'd', value: 'NaN', timestamp: 3, step: 1 },
        ];
        await api.logBatch(id, { metrics: [...points, ...points] });
        await api.logBatch(id, { metrics: points });
        await api.logMetric(id, 'd', 1.5, 3, 1);
        expect((await api.history(id, 'd')).metrics).toHaveLength(2);
        // A point differing only in value is a new point.
        await api.logMetric(id, 'd', 1.25, 3, 1);
        expect((await api.history(id, 'd')).metrics).toHaveLength(3);
      });
    });

    describe('get-history', () => {
      it('returns every point ordered by (timestamp, step, value), with the run_uuid alias', async () => {
        const id = await newRun();
        const pts = [
          { key: 'h', value: 3, timestamp: 20, step: 0 },
          { key: 'h', value: 1, timestamp: 10, step: 5 },
          { key: 'h', value: 2, timestamp: 10, step: 1 },
          { key: 'h', value: 0.5, timestamp: 10, step: 1 },
          { key: 'other', value: 9, timestamp: 1, step: 0 },
        ];
        await api.logBatch(id, { metrics: pts });
        const res = await api.okGet('metrics/get-history', { run_uuid: id, metric_key: 'h' });
        expect(res).toEqual({ metrics: [pts[3], pts[2], pts[1], pts[0]] });
        expect(await api.history(id, 'absent')).toEqual({});
        expectError(
          await api.get('metrics/get-history', { run_id: 'f'.repeat(32), metric_key: 'h' }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
        );
        expectError(
          await api.get('metrics/get-history', { run_id: id }),
          400,
          'INVALID_PARAMETER_VALUE',
          "'metric_key'",
        );
      });

      it('pages with max_results and page_token; all pages equal the full history', async () => {
        const id = await newRun();
        const pts = Array.from({ length: 23 }, (_, i) => ({
          key: 'p',
          value: (i * 7) % 5,
          timestamp: 100 + (i % 4),
          step: i,
        }));
        await api.logBatch(id, { metrics: pts });
        const full = (await api.history(id, 'p')).metrics;
        expect(full).toHaveLength(23);
        const collected: unknown[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await api.history(id, 'p', { max_results: 5, page_token: token });
          expect(page.metrics.length).toBeLessThanOrEqual(5);
          collected.push(...page.metrics);
          token = page.next_page_token;
          pages++;
        } while (token);
        expect(pages).toBe(5);
        expect(collected).toEqual(full);
        const exact = await api.history(id, 'p', { max_results: 23 });
        expect(exact.metrics).toHaveLength(23);
        expect(exact).not.toHaveProperty('next_page_token');
        expectError(
          await api.get('metrics/get-history', { run_id: id, metric_key: 'p', page_token: 'garbage!' }),
          400,
          'INVALID_PARAMETER_VALUE',
        );
        expectError(
          await api.get('metrics/get-history', { run_id: id, metric_key: 'p', max_results: -1 }),
          400,
          'INVALID_PARAMETER_VALUE',
        );
      });
    });

    describe('get-history-bulk-interval', () => {
      let a: string;
      let b: string;
      const bulk = (query: Record<string, any>) =>
        api.get('metrics/get-history-bulk-interval', { metric_key: 'loss', ...query });

      beforeAll(async () => {
        a = await newRun();
        b = await newRun();
        const series = (n: number) =>
          Array.from({ length: n }, (_, s) => ({ key: 'loss', value: 1 / (s + 1), timestamp: 1000 + s, step: s }));
        await api.logBatch(a, { metrics: series(10) });
        await api.logBatch(b, { metrics: [...series(30), { key: 'loss', value: 0.01, timestamp: 5000, step: 29 }] });
      });

      it('returns every point with run_id when the steps fit in max_results', async () => {
        const res = await bulk({ run_ids: [a, b] });
        expect(res.status, res.text).toBe(200);
        const byRun = (id: string) => res.body.metrics.filter((m: any) => m.run_id === id);
        expect(byRun(a)).toHaveLength(10);
        expect(byRun(b)).toHaveLength(31);
        expect(byRun(a)[0]).toEqual({ key: 'loss', value: 1, timestamp: 1000, step: 0, run_id: a });
        expect(res.body.metrics.slice(0, 10).every((m: any) => m.run_id === a)).toBe(true);
        const stepsB = byRun(b).map((m: any) => m.step);
        expect(stepsB).toEqual([...stepsB].sort((x: number, y: number) => x - y));
      });

      it('restricts to [start_step, end_step]', async () => {
        const res = await bulk({ run_ids: [a, b], start_step: 5, end_step: 8 });
        expect(res.status, res.text).toBe(200);
        expect(new Set(res.body.metrics.map((m: any) => m.step))).toEqual(new Set([5, 6, 7, 8]));
        expect(res.body.metrics).toHaveLength(8);
      });

      it("down-samples to max_results steps but keeps each run's first and last step", async () => {
        const res = await bulk({ run_ids: [a, b], max_results: 5 });
        expect(res.status, res.text).toBe(200);
        const steps = new Set<number>(res.body.metrics.map((m: any) => m.step));
        expect(steps.size).toBeLessThanOrEqual(5 + 1 + 2 * 2);
        for (const s of [0, 9, 29]) expect(steps.has(s)).toBe(true);
        const aSteps = res.body.metrics.filter((m: any) => m.run_id === a).map((m: any) => m.step);
        expect(aSteps).toContain(9);
      });

      it('defaults the range to [0, max step], leaving negative steps out', async () => {
        const id = await newRun();
        await api.logBatch(id, {
          metrics: [-3, -1, 0, 2, 3].map((step) => ({ key: 'neg', value: step, timestamp: 1, step })),
        });
        const res = await api.get('metrics/get-history-bulk-interval', { run_ids: [id], metric_key: 'neg' });
        expect(res.body.metrics.map((m: any) => m.step)).toEqual([0, 2, 3]);
        const ranged = await api.get('metrics/get-history-bulk-interval', {
          run_ids: [id],
          metric_key: 'neg',
          start_step: -5,
          end_step: 5,
        });
        expect(ranged.body.metrics.map((m: any) => m.step)).toEqual([-3, -1, 0, 2, 3]);
      });

      it('enforces its limits with MLflow messages', async () => {
        const many = Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(32, '0'));
        expectError(
          await bulk({ run_ids: many }),
          400,
          'INVALID_PARAMETER_VALUE',
          'GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 101 run_ids.',
        );
        expectError(
          await bulk({ run_ids: [a], start_step: 1 }),
          400,
          'INVALID_PARAMETER_VALUE',
          'If either start step or end step are specified, both must be specified.',
        );
        expectError(
          await bulk({ run_ids: [a], start_step: 5, end_step: 2 }),
          400,
          'INVALID_PARAMETER_VALUE',
          'end_step must be greater than start_step',
        );
        for (const max of [0, -1, 2501]) {
          expectError(
            await bulk({ run_ids: [a], max_results: max }),
            400,
            'INVALID_PARAMETER_VALUE',
            'max_results must be between 1 and 2500.',
          );
        }
        expectError(await bulk({}), 400, 'INVALID_PARAMETER_VALUE', "'run_ids'");
        expectError(
          await api.get('metrics/get-history-bulk-interval', { run_ids: [a] }),
          400,
          'INVALID_PARAMETER_VALUE',
          "'metric_key'",
        );
        expect((await bulk({ run_ids: [a], max_results: 2500 })).status).toBe(200);
      });
    });
  });
});
