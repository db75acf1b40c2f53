import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../src/training/jobs/job-queue';
import {
  allRuns,
  apiOf,
  champion,
  experimentId,
  getRun,
  GRIDS,
  readEvents,
  submitGrid,
  tagsOf,
  tinyGrid,
  waitForGrid,
} from './support/grid';
import { BAD_LRS, expectHalvingOutcome, GOOD_LR, halvingBody } from './support/halving';
import { TEST_POSTGRES_URL } from './support/postgres';
import { startServer, TestServer } from './support/server';

/**
 * Search strategies on the embedded driver (no Redis; candidates run one at a time in child
 * processes). Needs `npx tsc -p tsconfig.build.json` first.
 */
describe('search strategies: halving and random (embedded driver)', () => {
  let server: TestServer;
  const api = apiOf(() => server.url);

  beforeAll(async () => {
    server = await startServer();
    expect(server.app.get(JobQueue).driver).toBe('embedded');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('halving stops the clearly worse candidates early and still finds the best (the full grid agrees)', async () => {
    const sub = await submitGrid(
      api,
      halvingBody('halving', { promote: { model_name: 'halving-msft', policy: 'if_better' } }) as never,
    );
    const sse = readEvents(`${server.url}${GRIDS}/${sub.job_id}/events`, 90_000);
    const status = await waitForGrid(api, sub.job_id, 90_000);
    await expectHalvingOutcome(api, status, sub.parent_run_id);
    // One worker: candidate 0 arrives first at every rung, so it runs to the end.
    expect(status.candidates[0].state).toBe('completed');
    expect(status.counts).toMatchObject({ completed: 2, pruned: 2 });
    // Promotion is unchanged: the best completed candidate is the one considered; it becomes the
    // champion unless the promotion floor refuses it (tiny level models can lose to persistence).
    if (status.promotion.promoted) {
      expect(status.promotion.reason).toMatch(/^no champion yet/);
      expect(await champion(api, 'halving-msft')).toMatchObject({ run_id: status.best_run_id });
    } else {
      expect(status.promotion.reason).toMatch(/loses significantly to persistence/);
      expect(await champion(api, 'halving-msft')).toBeUndefined();
    }
    const { events } = await sse;
    expect(events.at(-1)).toMatchObject({ state: 'completed', counts: { pruned: 2 } });
    expect(events.some((e) => e.counts.pruned === 1)).toBe(true); // progress streamed while candidates stopped

    const grid = await waitForGrid(api, (await submitGrid(api, halvingBody('grid') as never)).job_id, 90_000);
    expect(grid.counts).toMatchObject({ completed: 4, pruned: 0 });
    const best = grid.candidates.find((c: any) => c.run_id === grid.best_run_id);
    expect(best.params.learning_rate).toBe(GOOD_LR);
    // Same data, params and seed: the good candidate trains the same under both strategies.
    const good = status.candidates.find((c: any) => c.params.learning_rate === GOOD_LR);
    expect(good.metrics.val_mae).toBeCloseTo(best.metrics.val_mae, 6);
    for (const c of status.candidates.filter((x: any) => x.state === 'pruned'))
      expect(BAD_LRS).toContain(c.params.learning_rate);
  }, 200_000);

  it('random samples n_candidates from ranges and choices, reproducibly from search_seed', async () => {
    const body = {
      experiment_name: 'random-e2e',
      dataset: { ticker: 'MSFT', source: 'sample', start_date: '2021-01-01', end_date: '2021-12-31' },
      params: { epochs: 1, layers: 1, batch_size: 64, dropout: 0, seq_length: 5 },
      strategy: 'random',
      n_candidates: 3,
      search_seed: 11,
      grid: { units: { min: 2, max: 6 }, learning_rate: { min: 1e-4, max: 1e-2, log: true }, loss: ['mae', 'mse'] },
    };
    const a = await submitGrid(api, body as never);
    const b = await submitGrid(api, body as never);
    const c = await submitGrid(api, { ...body, search_seed: 12 } as never);
    const params = (s: typeof a) => s.candidates.map((x) => x.params);
    expect(params(a)).toHaveLength(3);
    expect(params(b)).toEqual(params(a));
    expect(params(c)).not.toEqual(params(a));
    for (const p of params(a)) {
      expect(Number.isInteger(p.units) && p.units >= 2 && p.units <= 6).toBe(true);
      expect(p.learning_rate).toBeGreaterThanOrEqual(1e-4);
      expect(p.learning_rate).toBeLessThanOrEqual(1e-2);
      expect(['mae', 'mse']).toContain(p.loss);
    }
    const status = await waitForGrid(api, a.job_id, 90_000);
    expect(status).toMatchObject({ state: 'completed', strategy: 'random', counts: { completed: 3 } });
    const parent = await getRun(api, a.parent_run_id);
    expect(tagsOf(parent)['tsflow.search.strategy']).toBe('random');
    const parentParams = Object.fromEntries(parent.data.params.map((p: any) => [p.key, p.value]));
    expect(parentParams).toMatchObject({
      'search.strategy': 'random',
      'search.n_candidates': '3',
      'search.seed': '11',
    });
    for (const s of [b, c]) await waitForGrid(api, s.job_id, 90_000);
  }, 200_000);

  it('rejects bad strategies, spaces, budgets and halving options with 400 naming the field, creating nothing', async () => {
    const exp = 'search-invalid';
    const base = { ...tinyGrid({ experiment_name: exp }), params: { units: 4, epochs: 4 } };
    const lr = { learning_rate: { min: 1e-4, max: 1e-2, log: true } };
    const gridsBefore = (await api('GET', GRIDS)).body.grid_searches.length;
    const runsBefore = (await allRuns(api, ['0'])).length;
    const cases: [string, object, RegExp][] = [
      ['unknown strategy', { strategy: 'bayes' }, /'strategy'.*one of grid, random, halving/],
      ['range with strategy grid', { grid: lr }, /grid 'learning_rate' is a range: strategy 'grid' needs lists/],
      [
        'min above max',
        { strategy: 'random', n_candidates: 2, grid: { units: { min: 9, max: 3 } } },
        /grid 'units': min \(9\) must be below max \(3\)/,
      ],
      [
        'log range from 0',
        { strategy: 'random', n_candidates: 2, grid: { learning_rate: { min: 0, max: 0.1, log: true } } },
        /grid 'learning_rate': a log range needs min > 0/,
      ],
      [
        'range bound out of range',
        { strategy: 'random', n_candidates: 2, grid: { dropout: { min: 0, max: 1.5 } } },
        /grid 'dropout': range bound out of range: dropout must be a number in \[0, 1\)/,
      ],
      [
        'range of a non-numeric param',
        { strategy: 'random', n_candidates: 2, grid: { loss: { min: 0, max: 1 } } },
        /grid 'loss': ranges need a numeric parameter/,
      ],
      [
        'range without max',
        { strategy: 'random', n_candidates: 2, grid: { units: { min: 2 } } },
        /grid 'units': a range needs numeric min and max/,
      ],
      [
        'budget 0',
        { strategy: 'random', n_candidates: 0, grid: lr },
        /n_candidates must be an integer in \[1, 1000\], got 0/,
      ],
      [
        'negative budget',
        { strategy: 'halving', n_candidates: -3, grid: lr },
        /n_candidates must be an integer in \[1, 1000\], got -3/,
      ],
      ['random without a budget', { strategy: 'random', grid: lr }, /strategy 'random' needs n_candidates/],
      [
        'budget above the space',
        { strategy: 'random', n_candidates: 5, grid: { units: [4, 8] } },
        /n_candidates \(5\) exceeds the 2 distinct candidates/,
      ],
      [
        'eta below 2',
        { strategy: 'halving', halving: { eta: 1 } },
        /halving.eta must be a number in \[2, 100\], got 1/,
      ],
      [
        'min_resource 0',
        { strategy: 'halving', halving: { min_resource: 0 } },
        /halving.min_resource must be an integer >= 1/,
      ],
      [
        'min_resource not below epochs',
        { strategy: 'halving', halving: { min_resource: 4 } },
        /halving.min_resource \(4\) must be below the candidates' epochs \(at most 4\)/,
      ],
      [
        'max_resource and epochs in the grid',
        { strategy: 'halving', grid: { epochs: [4, 8] }, halving: { max_resource: 8 } },
        /halving.max_resource sets the epochs of every candidate/,
      ],
      [
        'halving options on random',
        { strategy: 'random', n_candidates: 2, grid: lr, halving: { eta: 3 } },
        /'halving' options apply to strategy 'halving' only/,
      ],
      [
        'bad search_seed',
        { strategy: 'random', n_candidates: 2, grid: lr, search_seed: -1 },
        /search_seed must be an integer/,
      ],
    ];
    for (const [label, patch, message] of cases) {
      const res = await api('POST', GRIDS, { ...base, ...patch });
      expect(res.status, `${label}: ${res.text}`).toBe(400);
      expect(res.body.error_code, label).toBe('INVALID_PARAMETER_VALUE');
      expect(res.body.message, label).toMatch(message);
    }
    expect(await experimentId(api, exp)).toBeUndefined();
    expect((await allRuns(api, ['0'])).length).toBe(runsBefore);
    expect((await api('GET', GRIDS)).body.grid_searches.length).toBe(gridsBefore);
  }, 60_000);
});

/** The same search on PostgreSQL: rung values are read back across candidates through its SQL. */
describe.skipIf(!TEST_POSTGRES_URL)('halving on the embedded driver (postgres)', () => {
  let server: TestServer;
  const api = apiOf(() => server.url);

  beforeAll(async () => {
    server = await startServer({ database: 'postgres' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('stops the clearly worse candidates early and finds the best', async () => {
    const sub = await submitGrid(api, halvingBody('halving') as never);
    const status = await waitForGrid(api, sub.job_id, 90_000);
    await expectHalvingOutcome(api, status, sub.parent_run_id);
    expect(status.counts).toMatchObject({ completed: 2, pruned: 2 });
  }, 120_000);
});
