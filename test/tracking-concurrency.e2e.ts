import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TestServer } from './support/server';
import { BACKENDS, MetricIn, TrackingApi, unique } from './support/tracking';

const KEYS = 10;
const PER_BATCH = 100;
const T0 = 1_700_000_000_000;

/** Batch `b` of a client: 10 keys x 10 steps; step and value encode (batch, index) so every point is unique. */
function batch(b: number): MetricIn[] {
  return Array.from({ length: PER_BATCH }, (_, i) => ({
    key: `k${i % KEYS}`,
    value: b * 1000 + i,
    timestamp: T0 + b,
    step: b * 10 + Math.floor(i / KEYS),
  }));
}

/** Expected latest point of key k after `batches` batches: the highest step of the last batch. */
function expectedLatest(k: number, batches: number) {
  const b = batches - 1;
  return { key: `k${k}`, value: b * 1000 + 90 + k, timestamp: T0 + b, step: b * 10 + 9 };
}

interface Failure {
  client: number;
  status: number;
  text: string;
}

/** `clients` concurrent loggers, each sending `batches` sequential log-batch requests to `runIdOf(client)`. */
async function hammer(
  api: TrackingApi,
  clients: number,
  batches: number,
  runIdOf: (c: number) => string,
  batchOf: (c: number, b: number) => MetricIn[],
): Promise<{ failures: Failure[]; ms: number }> {
  const failures: Failure[] = [];
  const start = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let b = 0; b < batches; b++) {
        const res = await api.post('runs/log-batch', { run_id: runIdOf(c), metrics: batchOf(c, b) });
        if (res.status !== 200) failures.push({ client: c, status: res.status, text: res.text.slice(0, 200) });
      }
    }),
  );
  return { failures, ms: Date.now() - start };
}

describe('concurrent logging: 50 clients x 20 batches x 100 metrics on sqlite', () => {
  const CLIENTS = 50;
  const BATCHES = 20;
  let server: TestServer;
  let api: TrackingApi;
  let exp: string;
  let runs: string[];

  beforeAll(async () => {
    server = await startServer({ database: 'sqlite' });
    api = new TrackingApi(server.url);
    exp = await api.createExperiment(unique('concurrency'));
    runs = await Promise.all(
      Array.from({ length: CLIENTS }, async () => (await api.createRun(exp)).info.run_id as string),
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('acknowledges every batch: no 5xx, no "database is locked"', async () => {
    const { failures, ms } = await hammer(
      api,
      CLIENTS,
      BATCHES,
      (c) => runs[c],
      (_c, b) => batch(b),
    );
    expect(failures).toEqual([]);
    console.log(
      `[concurrency] sqlite: ${CLIENTS * BATCHES} batches / ${CLIENTS * BATCHES * PER_BATCH} points in ${ms} ms`,
    );
  });

  it('stores every acknowledged point exactly once (get-history counts and values)', async () => {
    const problems: string[] = [];
    await Promise.all(
      runs.map(async (runId) => {
        for (let k = 0; k < KEYS; k++) {
          const { metrics = [] } = await api.history(runId, `k${k}`, { max_results: 25_000 });
          const steps = metrics.map((m: any) => m.step).sort((a: number, b: number) => a - b);
          const expectedSteps = Array.from({ length: BATCHES * 10 }, (_, s) => s);
          if (JSON.stringify(steps) !== JSON.stringify(expectedSteps))
            problems.push(`${runId} k${k}: ${metrics.length} points`);
          for (const m of metrics) {
            const b = Math.floor(m.step / 10);
            if (m.value !== b * 1000 + (m.step % 10) * KEYS + k || m.timestamp !== T0 + b)
              problems.push(`${runId} k${k}: bad point ${JSON.stringify(m)}`);
          }
        }
      }),
    );
    expect(problems).toEqual([]);
  });

  it('maintains latest_metrics for every run', async () => {
    const res = await api.searchRuns({ experiment_ids: [exp], max_results: 1000 });
    expect(res.runs).toHaveLength(CLIENTS);
    for (const run of res.runs ?? []) {
      const latest = [...run.data.metrics].sort((a: any, b: any) => a.key.localeCompare(b.key));
      expect(latest).toEqual(Array.from({ length: KEYS }, (_, k) => expectedLatest(k, BATCHES)));
    }
  });
});

/** Async logging (Python client threadpool) sends concurrent batches to one run with the same keys. */
describe.each(BACKENDS)('concurrent batches to one run ($db)', ({ db, skip }) => {
  describe.skipIf(skip)('', () => {
    let server: TestServer;
    let api: TrackingApi;
    beforeAll(async () => {
      server = await startServer({ database: db });
      api = new TrackingApi(server.url);
    });
    afterAll(async () => {
      await server?.close();
    });

    it('creates an experiment name once under concurrent creates (others: 400 RESOURCE_ALREADY_EXISTS)', async () => {
      const name = unique('race');
      const results = await Promise.all(Array.from({ length: 12 }, () => api.post('experiments/create', { name })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 200))
        expect(r.body?.error_code, r.text).toBe('RESOURCE_ALREADY_EXISTS');
    });

    it('keeps params immutable under concurrent conflicting writes (one 200, the rest 400)', async () => {
      const runId = (await api.createRun('0')).info.run_id as string;
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          api.post('runs/log-parameter', { run_id: runId, key: 'lr', value: String(i) }),
        ),
      );
      const ok = results.map((r, i) => [r.status, i] as const).filter(([status]) => status === 200);
      expect(ok, results.map((r) => `${r.status} ${r.text.slice(0, 80)}`).join('\n')).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 200))
        expect(r.body?.error_code, r.text).toBe('INVALID_PARAMETER_VALUE');
      const params = (await api.getRun(runId)).data.params;
      expect(params).toEqual([{ key: 'lr', value: String(ok[0][1]) }]);
      // The same value from many clients at once is always accepted.
      const same = await Promise.all(
        Array.from({ length: 8 }, () =>
          api.post('runs/log-batch', { run_id: runId, params: [{ key: 'units', value: '32' }] }),
        ),
      );
      expect(same.map((r) => r.status)).toEqual(Array(8).fill(200));
    });

    it('appends every concurrent log-model summary to mlflow.log-model.history', async () => {
      const runId = (await api.createRun('0')).info.run_id as string;
      const model = (i: number) =>
        JSON.stringify({
          run_id: runId,
          artifact_path: `m${i}`,
          utc_time_created: '2025-01-01 00:00:00.000000',
          flavors: {},
        });
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => api.post('runs/log-model', { run_id: runId, model_json: model(i) })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      const tag = (await api.getRun(runId)).data.tags.find((t: any) => t.key === 'mlflow.log-model.history');
      expect(
        JSON.parse(tag.value)
          .map((m: any) => m.artifact_path)
          .sort(),
      ).toEqual(Array.from({ length: 8 }, (_, i) => `m${i}`));
    });

    it('never deadlocks or fails, and keeps history and latest_metrics exact', async () => {
      const runId = (await api.createRun('0')).info.run_id as string;
      const CLIENTS = 10;
      const BATCHES = 8;
      // Client c's batch b: the same 10 keys in a client-specific order (lock-order stress), unique steps.
      const batchOf = (c: number, b: number) => {
        const points = batch(b).map((m) => ({
          ...m,
          step: (m.step ?? 0) * CLIENTS + c,
          value: Number(m.value) + c / 100,
        }));
        return c % 2 ? points.reverse() : points;
      };
      const { failures } = await hammer(api, CLIENTS, BATCHES, () => runId, batchOf);
      expect(failures).toEqual([]);
      const run = await api.getRun(runId);
      for (let k = 0; k < KEYS; k++) {
        const { metrics = [] } = await api.history(runId, `k${k}`);
        expect(metrics).toHaveLength(CLIENTS * BATCHES * 10);
        const top = metrics.reduce((a: any, m: any) => (m.step > a.step ? m : a));
        expect(run.data.metrics.find((m: any) => m.key === `k${k}`)).toEqual(top);
      }
    });
  });
});
