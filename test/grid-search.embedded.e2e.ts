import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../src/training/jobs/job-queue';
import {
  apiOf,
  champion,
  expectCompletedGrid,
  expectNoLiveRuns,
  experimentId,
  getRun,
  GRIDS,
  gridStatus,
  readEvents,
  slowGrid,
  submitGrid,
  tagsOf,
  tinyGrid,
  waitForGrid,
  waitUntil,
} from './support/grid';
import { startServer, TestServer } from './support/server';

/**
 * The zero-setup path: no REDIS_URL, so the API runs each candidate in a child process of its
 * own (the same compiled processor the BullMQ workers use) through the embedded driver.
 * Needs `npx tsc -p tsconfig.build.json` first.
 */
describe('grid searches on the embedded driver (no Redis)', () => {
  let server: TestServer;
  const api = apiOf(() => server.url);
  const MODEL = 'embedded-msft';

  beforeAll(async () => {
    server = await startServer();
    expect(server.config.redisUrl).toBeUndefined();
    expect(server.app.get(JobQueue).driver).toBe('embedded');
  });

  afterAll(async () => {
    await server?.close();
  });

  let first: { job_id: string; parent_run_id: string; candidates: any[] };

  it('trains a small grid: child runs, metrics, best run, promotion, SSE', async () => {
    first = await submitGrid(api, tinyGrid({ promote: { model_name: MODEL, policy: 'if_better' } }));
    expect(first.candidates.map((c) => c.job_id)).toEqual([`${first.job_id}-c0000`, `${first.job_id}-c0001`]);
    const sse = readEvents(`${server.url}${GRIDS}/${first.job_id}/events`, 60_000);
    const status = await waitForGrid(api, first.job_id, 60_000);
    await expectCompletedGrid(api, status, first, 2);

    const { events } = await sse;
    expect(events.at(-1)).toMatchObject({ state: 'completed', best_run_id: status.best_run_id });
    expect(events.at(-1).promotion).toEqual(status.promotion);
    // Progress was streamed on the way (the stream starts before the grid is final) and never goes back.
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0].state).not.toBe('completed');
    const progress = events.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));

    expect(status.promotion).toMatchObject({
      policy: 'if_better',
      promoted: true,
      reason: 'no champion yet (floor passed)',
      new_version: '1',
    });
    expect(tagsOf(await getRun(api, first.parent_run_id))).toMatchObject({
      'tsflow.promotion.decision': 'promoted',
      'tsflow.promotion.new_version': '1',
    });
    expect(await champion(api, MODEL)).toMatchObject({ version: '1', run_id: status.best_run_id });
  }, 80_000);

  it('if_better re-scores the champion and keeps it when the candidate is not better', async () => {
    // The champion's own grid again: same data, params and seed, so at best a tie.
    const current = await champion(api, MODEL);
    const run = await getRun(api, current!.run_id);
    const seq = Number(run.data.params.find((p: any) => p.key === 'seq_length').value);
    const sub = await submitGrid(
      api,
      tinyGrid({ grid: { seq_length: [seq] }, promote: { model_name: MODEL, policy: 'if_better' } }),
    );
    const status = await waitForGrid(api, sub.job_id, 60_000);
    expect(status.state).toBe('completed');
    expect(status.promotion).toMatchObject({
      policy: 'if_better',
      promoted: false,
      champion_version: '1',
      new_version: null,
    });
    expect(status.promotion.champion_score).toBeCloseTo(status.promotion.candidate_score, 6);
    const tags = tagsOf(await getRun(api, sub.parent_run_id));
    expect(tags['tsflow.promotion.decision']).toBe('not_promoted');
    expect(Number(tags['tsflow.promotion.champion_score'])).toBe(status.promotion.champion_score);
    expect(await champion(api, MODEL)).toEqual(current);
  }, 60_000);

  it('cancels a running grid: the running candidate stops at an epoch boundary, the queued one never starts', async () => {
    const sub = await submitGrid(
      api,
      slowGrid({ grid: { seq_length: [5, 6] }, params: { units: 8, epochs: 60, patience: 1000, seed: 7, dropout: 0 } }),
    );
    const [running, queued] = sub.candidates;
    await waitUntil(
      'the first candidate to train',
      async () => {
        const c = (await gridStatus(api, sub.job_id)).candidates[0];
        return c.state === 'running' && c.progress > 0;
      },
      30_000,
      100,
    );
    expect((await gridStatus(api, sub.job_id)).candidates[1].state).toBe('queued'); // concurrency 1

    const res = await api('DELETE', `${GRIDS}/${sub.job_id}`);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('cancelled');
    expect((await getRun(api, queued.run_id)).info.status).toBe('KILLED');
    const ids = [sub.parent_run_id, running.run_id, queued.run_id];
    await waitUntil(
      'every run of the grid to be KILLED',
      async () => (await Promise.all(ids.map((id) => getRun(api, id)))).every((r) => r.info.status === 'KILLED'),
      20_000,
    );
    const history = await api('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${running.run_id}&metric_key=loss`);
    expect(history.body.metrics.length).toBeGreaterThan(0);
    expect(history.body.metrics.length).toBeLessThan(60);
    const queuedHistory = await api(
      'GET',
      `/api/2.0/mlflow/metrics/get-history?run_id=${queued.run_id}&metric_key=loss`,
    );
    expect(queuedHistory.body.metrics ?? []).toEqual([]);
    await waitUntil(
      'the driver to be idle',
      async () => {
        const c = await server.app.get(JobQueue).counts();
        return c.waiting === 0 && c.active === 0;
      },
      10_000,
    );
    const status = await gridStatus(api, sub.job_id);
    expect(status.state).toBe('cancelled');
    expect(status.candidates.map((c: any) => c.state)).toEqual(['cancelled', 'cancelled']);
    await expectNoLiveRuns(api, [(await experimentId(api, 'grid-e2e'))!]);
  }, 60_000);
});
