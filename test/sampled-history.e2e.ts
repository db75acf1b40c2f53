import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame } from '../web/src/api/frame';
import { startServer, TestServer } from './support/server';
import { BACKENDS, TrackingApi, unique } from './support/tracking';

/** The web UI's chart transfer: POST /api/v1/metrics/history-sampled (binary frame, M4 sampling). */
describe.each(BACKENDS)('sampled metric histories ($db)', ({ db, skip }) => {
  describe.skipIf(skip)('', () => {
    let server: TestServer;
    let api: TrackingApi;
    let runs: string[];
    const sampled = (body: unknown) =>
      fetch(`${server.url}/api/v1/metrics/history-sampled`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    beforeAll(async () => {
      server = await startServer({ database: db });
      api = new TrackingApi(server.url);
      const exp = await api.createExperiment(unique('sampled'));
      runs = [];
      for (let r = 0; r < 3; r++) {
        const id = (await api.createRun(exp)).info.run_id as string;
        runs.push(id);
        const metrics = Array.from({ length: 2000 }, (_, s) => ({
          key: 'loss',
          value: s === 777 ? 50 + r : s === 1500 && r === 0 ? 'NaN' : Math.exp(-s / 500) + r,
          timestamp: 1_000 + s,
          step: s,
        }));
        for (let i = 0; i < metrics.length; i += 1000) await api.logBatch(id, { metrics: metrics.slice(i, i + 1000) });
        await api.logBatch(id, { metrics: [{ key: 'acc', value: 0.5 + r / 10, timestamp: 1, step: 0 }] });
      }
    });
    afterAll(async () => {
      await server?.close();
    });

    it('answers every run x key in one binary frame, each series sampled to the width with its shape kept', async () => {
      const res = await sampled({
        run_ids: runs,
        metric_keys: ['loss', 'acc', 'missing'],
        points: 200,
        timestamps: true,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      const series = decodeFrame(await res.arrayBuffer());
      expect(series.map((s) => `${s.key}:${s.runId}`)).toEqual([
        ...runs.map((r) => `loss:${r}`),
        ...runs.map((r) => `acc:${r}`),
      ]);
      series.slice(0, 3).forEach((s, r) => {
        expect(s.total).toBe(2000);
        expect(s.history.step.length).toBeLessThanOrEqual(200);
        expect(s.history.step[0]).toBe(0);
        expect(s.history.step[s.history.step.length - 1]).toBe(1999);
        const at777 = [...s.history.step].indexOf(777);
        expect(s.history.value[at777]).toBe(50 + r);
        expect(s.history.time[at777]).toBe(1_777);
      });
      expect([...series[0].history.value].some(Number.isNaN)).toBe(true);
      expect([...series[3].history.value]).toEqual([0.5]);
    });

    it('answers a large compare by step from the summaries: one shared grid, extremes kept, float32 values', async () => {
      const exp = await api.createExperiment(unique('sampled-many'));
      const many: string[] = [];
      for (let r = 0; r < 26; r++) {
        const id = (await api.createRun(exp)).info.run_id as string;
        many.push(id);
        // Logged as a training loop would: 100 steps per batch (the write path folds the summaries).
        for (let from = 0; from < 2000; from += 100)
          await api.logBatch(id, {
            metrics: Array.from({ length: 100 }, (_, k) => {
              const s = from + k;
              return { key: 'loss', value: s === 1234 ? 77 + r : Math.exp(-s / 500), timestamp: 1_000 + s, step: s };
            }),
          });
      }
      // A late point far back in the history (out of order) must still show.
      await api.logBatch(many[0], { metrics: [{ key: 'loss', value: -5, timestamp: 9, step: 3 }] });
      const res = await sampled({ run_ids: many, metric_keys: ['loss'], points: 1000 });
      expect(res.status).toBe(200);
      const buffer = await res.arrayBuffer();
      const series = decodeFrame(buffer);
      expect(series.map((s) => s.runId)).toEqual(many);
      const x = series[0].history.step;
      expect(series.every((s) => s.history.step === x)).toBe(true); // the steps travel once
      expect(x[0]).toBe(0);
      expect(x.length).toBeLessThanOrEqual(4 * 250);
      series.forEach((s, r) => {
        expect(Math.max(...s.history.value.filter(Number.isFinite))).toBe(77 + r);
        expect(s.total).toBe(r === 0 ? 2001 : 2000);
      });
      expect(Math.min(...series[0].history.value)).toBe(-5);
      expect(series[1].history.value[x.length - 1]).toBe(Math.fround(Math.exp(-1999 / 500)));
      // float64 steps once, float32 values per run: far less than one float64 pair per point.
      expect(buffer.byteLength).toBeLessThan(x.length * 8 + 26 * x.length * 4 + 4096);
      // The same runs on a time axis are read in full (exact points, per-series steps).
      const timed = decodeFrame(
        await (
          await sampled({ run_ids: many.slice(0, 2), metric_keys: ['loss'], points: 400, timestamps: true })
        ).arrayBuffer(),
      );
      expect(timed[0].history.step).not.toBe(timed[1].history.step);
      expect([...timed[1].history.step]).toContain(1234);
    });

    it('sends less than 20 bytes per point it keeps', async () => {
      const res = await sampled({ run_ids: runs, metric_keys: ['loss'], points: 400 });
      const bytes = (await res.arrayBuffer()).byteLength;
      expect(bytes).toBeLessThan(3 * 400 * 20);
    });

    it('rejects bad requests with 400 INVALID_PARAMETER_VALUE', async () => {
      for (const body of [
        { run_ids: [], metric_keys: ['loss'] },
        { run_ids: runs, metric_keys: [] },
        { run_ids: runs, metric_keys: ['loss'], points: 2 },
        { run_ids: runs, metric_keys: ['loss'], points: 'wide' },
        { run_ids: Array.from({ length: 2001 }, (_, i) => `r${i}`), metric_keys: ['loss'] },
        { metric_keys: ['loss'] },
      ]) {
        const res = await sampled(body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(((await res.json()) as { error_code: string }).error_code).toBe('INVALID_PARAMETER_VALUE');
      }
    });
  });
});
