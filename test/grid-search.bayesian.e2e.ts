import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../src/training/jobs/job-queue';
import { bayesianBody, expectBayesianSearch, trialRuns, uploadSales, waitForSearch } from './support/bayesian';
import {
  apiOf,
  champion,
  getRun,
  GRIDS,
  gridStatus,
  metricsOf,
  sleep,
  submitGrid,
  tagsOf,
  tinyGrid,
  waitForGrid,
  waitUntil,
} from './support/grid';
import { startServer, TestServer } from './support/server';
import { sharedStoreEnv } from './support/workers';

/**
 * Bayesian optimisation (TPE) through REST on the embedded driver: trials are submitted one
 * after another as others finish (the API schedules them on its child processes' completion),
 * the budget is spent exactly, and a restart of the API mid-search loses and duplicates nothing.
 * Needs `npx tsc -p tsconfig.build.json` first (the children run the compiled processor).
 */
describe('bayesian search on the embedded driver', () => {
  let server: TestServer;
  const api = apiOf(() => server.url);

  beforeAll(async () => {
    server = await startServer({ env: { TSFLOW_WORKER_CONCURRENCY: '2' } });
    expect(server.app.get(JobQueue).driver).toBe('embedded');
    await uploadSales(server.url);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('spends the budget trial by trial, each suggested from the finished ones, and promotes the best', async () => {
    const body = bayesianBody({ promote: { model_name: 'sales-tpe', policy: 'if_better' } });
    const sub = await submitGrid(api, body as never);
    // The first `parallelism` trials are queued at once; their runs are created when they start.
    expect(sub.candidates.map((c) => [c.job_id, c.state])).toEqual([
      [`${sub.job_id}-c0000`, 'queued'],
      [`${sub.job_id}-c0001`, 'queued'],
    ]);
    const { final, most } = await waitForSearch(api, sub.job_id);
    expect(final.state, JSON.stringify(final)).toBe('completed');
    expect(most).toBeLessThanOrEqual(2);
    await expectBayesianSearch(api, sub.job_id, body);
    expect(final.promotion).toMatchObject({ promoted: true, reason: 'no champion yet (floor passed)' });
    expect((await champion(api, 'sales-tpe'))?.run_id).toBe(final.best_run_id);
    const runs = await trialRuns(api, 'bayesian-e2e');
    expect(runs).toHaveLength(8);
    expect(new Set(runs.map((r) => r.trial)).size).toBe(8);
  }, 300_000);

  it('searches an LSTM on a price history the same way: ranges, val_mae, trial tags', async () => {
    const body = {
      ...tinyGrid({ experiment_name: 'bayesian-prices' }),
      grid: { seq_length: [5, 8, 10, 12], learning_rate: { min: 0.001, max: 0.05, log: true } },
      strategy: 'bayesian',
      n_candidates: 4,
      n_startup: 2,
      parallelism: 1,
      search_seed: 3,
    };
    const sub = await submitGrid(api, body as never);
    expect(sub.candidates).toHaveLength(1);
    const final = await waitForGrid(api, sub.job_id, 240_000);
    expect(final.state, JSON.stringify(final)).toBe('completed');
    expect(final.candidates).toHaveLength(4);
    const runs = await Promise.all(final.candidates.map((c: any) => getRun(api, c.run_id)));
    expect(runs.map((r) => tagsOf(r)['search.trial'])).toEqual(['0', '1', '2', '3']);
    expect(runs.map((r) => tagsOf(r)['search.sampler'])).toEqual(['random', 'random', 'tpe', 'tpe']);
    // Parallelism 1: each trial saw every earlier one finished.
    expect(runs.map((r) => tagsOf(r)['search.history'])).toEqual(['', '0', '0,1', '0,1,2']);
    const maes = runs.map((r) => metricsOf(r).val_mae);
    expect(final.best_value).toBe(Math.min(...maes));
    expect(final.best_run_id).toBe(final.candidates[maes.indexOf(Math.min(...maes))].run_id);
  }, 300_000);

  it('fails a suggested trial that cannot train at once (worst value) and goes on to the budget', async () => {
    // Every family here reads `period`: 20000 is refused by their checks. Seed 3 draws a valid
    // first trial (so the request is accepted) and an invalid second one.
    const body = bayesianBody({
      experiment_name: 'bayesian-refused',
      grid: { model: ['seasonal_naive', 'theta', 'ets'], period: [7, 20000] },
      n_candidates: 5,
      n_startup: 3,
      parallelism: 1,
      search_seed: 3,
    });
    const sub = await submitGrid(api, body as never);
    const final = await waitForGrid(api, sub.job_id, 240_000);
    expect(final.state, JSON.stringify(final)).toBe('completed');
    expect(final.candidates).toHaveLength(5);
    expect(final.candidates[1]).toMatchObject({ state: 'failed', params: { period: 20000 } });
    for (const c of final.candidates) {
      expect(c.state).toBe(c.params.period === 7 ? 'completed' : 'failed');
      if (c.state === 'failed') {
        expect(c.error).toMatch(/^not trainable: trial \d+ .*period must be an integer in \[1, 10000\]/);
        expect(c.run_id).toBeUndefined(); // refused before it ran: no run
      }
    }
    const completed = final.candidates.filter((c: any) => c.state === 'completed');
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(new Set(final.candidates.map((c: any) => JSON.stringify(c.params))).size).toBe(5); // none twice
    expect(final.best_value).toBe(Math.min(...completed.map((c: any) => c.metrics.val_owa)));
  }, 300_000);

  it('cancelling a bayesian search stops it: no trial is submitted after, the parent run is KILLED', async () => {
    const body = bayesianBody({ experiment_name: 'bayesian-cancel', parallelism: 1 });
    const sub = await submitGrid(api, body as never);
    await waitUntil(
      'a trial running',
      async () => (await gridStatus(api, sub.job_id)).candidates.some((c: any) => c.state === 'running'),
      60_000,
      50,
    );
    const res = await api('DELETE', `${GRIDS}/${sub.job_id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.state).toBe('cancelled');
    const atCancel = res.body.candidates.length;
    await waitUntil(
      'parent run KILLED',
      async () => (await getRun(api, sub.parent_run_id)).info.status === 'KILLED',
      60_000,
    );
    await sleep(3000); // room for a (wrong) next trial after the cancelled one ended
    const status = await gridStatus(api, sub.job_id);
    expect(status.state).toBe('cancelled');
    // The trial running then ends (its result is not kept: it was cancelled); none follows it.
    expect(status.candidates).toHaveLength(atCancel);
    expect(status.candidates.at(-1).state).toBe('cancelled');
  }, 120_000);

  it('refuses bad bayesian options with a 400 naming the field, creating nothing', async () => {
    const before = (await api('GET', `${GRIDS}?max_results=1000`)).body.grid_searches?.length ?? 0;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ n_candidates: undefined }, /needs n_candidates/],
      [{ n_startup: 9 }, /n_startup must be an integer in \[0, n_candidates=8\]/],
      [{ parallelism: 0 }, /parallelism must be an integer in \[1, 64\]/],
      [{ n_candidates: 21 }, /exceeds the 20 distinct candidates/],
      [{ strategy: 'random', n_startup: 2, parallelism: undefined }, /n_startup applies to strategy 'bayesian' only/],
      [{ strategy: 'grid', parallelism: 2, n_startup: undefined, n_candidates: undefined }, /parallelism applies/],
      [{ strategy: 'bayes' }, /strategy/],
    ];
    for (const [overrides, message] of cases) {
      const res = await api('POST', GRIDS, bayesianBody(overrides));
      expect(res.status, `${JSON.stringify(overrides)}: ${res.text}`).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    expect((await api('GET', `${GRIDS}?max_results=1000`)).body.grid_searches?.length ?? 0).toBe(before);
  });

  it('survives a restart of the API mid-search: the reconciler re-drives it, nothing lost or duplicated', async () => {
    const body = bayesianBody({ experiment_name: 'bayesian-restart', parallelism: 1, n_candidates: 6, n_startup: 2 });
    const sub = await submitGrid(api, body as never);
    await waitUntil(
      'two trials finished',
      async () =>
        (await gridStatus(api, sub.job_id)).candidates.filter((c: any) => c.state === 'completed').length >= 2,
      120_000,
      100,
    );
    // Stop this API (its child processes die with it) and keep its database and artifacts.
    const atStop = await gridStatus(api, sub.job_id);
    const first = server;
    await first.app.close();
    expect(atStop.state).toBe('running');
    expect(atStop.candidates.length).toBeLessThan(6);
    await sleep(5500); // a trial left running is stale after 5 s: the next API re-queues it at start
    server = await startServer({ env: { ...sharedStoreEnv(first.config), TSFLOW_WORKER_CONCURRENCY: '2' } });
    const previousClose = server.close;
    server.close = async () => {
      await previousClose();
      fs.rmSync(first.dir, { recursive: true, force: true });
    };
    const final = await waitForGrid(api, sub.job_id, 240_000);
    expect(final.state, JSON.stringify(final)).toBe('completed');
    await expectBayesianSearch(api, sub.job_id, body);
    // One FINISHED run per trial; a trial cut short by the restart may have left one FAILED run.
    const runs = await trialRuns(api, 'bayesian-restart');
    const finished = runs.filter((r) => r.status === 'FINISHED').map((r) => r.trial);
    expect(finished.sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(runs.filter((r) => r.status !== 'FINISHED').every((r) => r.status === 'FAILED')).toBe(true);
  }, 400_000);
});
