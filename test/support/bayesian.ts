import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { suggestTrial } from '../../src/training/core/search/bayesian';
import { parseSpace } from '../../src/training/core/search/space';
import { Api, getRun, GRIDS, gridStatus, metricsOf, tagsOf, waitUntil } from './grid';
import { http } from './server';

/** A search across five statistical families and ETS's trend: 5 × 4 = 20 distinct candidates. */
export const SPACE = {
  model: ['naive', 'seasonal_naive', 'ses', 'theta', 'ets'],
  ets_trend: ['auto', 'N', 'A', 'Ad'],
};

export function bayesianBody(overrides: Record<string, unknown> = {}) {
  return {
    experiment_name: 'bayesian-e2e',
    dataset: { name: 'sales' },
    params: { horizon: 14 },
    grid: SPACE,
    strategy: 'tpe',
    n_candidates: 8,
    n_startup: 3,
    parallelism: 2,
    search_seed: 11,
    ...overrides,
  };
}

/** The bundled daily panel (4 stores, weekly seasonality), uploaded as `sales`. */
export async function uploadSales(url: string): Promise<void> {
  const body = fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'series', 'store-sales.csv'), 'utf8');
  const put = await http(url, 'PUT', '/api/v1/training/datasets/sales?series_id=store&known=promo', body, {
    'content-type': 'text/csv',
  });
  expect(put.status, put.text).toBe(200);
}

interface Trial {
  index: number;
  jobId: string;
  runId: string;
  params: Record<string, unknown>;
  tags: Record<string, string>;
  valOwa: number;
}

/**
 * What every finished bayesian search must show, whatever the queue: exactly `budget` trials
 * numbered 0..budget-1 once each, each a FINISHED child run tagged with its number and sampler;
 * every trial after the startup ones is the TPE suggestion recomputed from the finished trials
 * its tags name (so it used them), and not its random draw; the best by val_owa is selected.
 * Returns the trials.
 */
export async function expectBayesianSearch(
  api: Api,
  id: string,
  body: ReturnType<typeof bayesianBody>,
): Promise<Trial[]> {
  const status = await gridStatus(api, id);
  const budget = body.n_candidates;
  expect(status.state, JSON.stringify(status)).toBe('completed');
  expect(status.strategy).toBe('bayesian');
  expect(status.progress).toBe(1);
  expect(status.candidates.map((c: any) => c.job_id)).toEqual(
    Array.from({ length: budget }, (_, i) => `${id}-c${String(i).padStart(4, '0')}`),
  );
  const trials: Trial[] = [];
  for (const c of status.candidates) {
    expect(c.state, JSON.stringify(c)).toBe('completed');
    const run = await getRun(api, c.run_id);
    const tags = tagsOf(run);
    expect(run.info.status).toBe('FINISHED');
    expect(tags['mlflow.parentRunId']).toBe(status.parent_run_id);
    expect(tags['search.strategy']).toBe('bayesian');
    trials.push({
      index: Number(tags['search.trial']),
      jobId: c.job_id,
      runId: c.run_id,
      params: c.params,
      tags,
      valOwa: metricsOf(run).val_owa,
    });
  }
  expect(trials.map((t) => t.index)).toEqual([...Array(budget).keys()]);
  // The space has 20 candidates: no budget of these tests needs to try one twice.
  expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(budget);
  const space = parseSpace(SPACE);
  const config = { nStartup: body.n_startup, seed: body.search_seed };
  let differs = 0;
  for (const t of trials) {
    expect(t.tags['search.sampler']).toBe(t.index < body.n_startup ? 'random' : 'tpe');
    const numbers = (tag: string) => (t.tags[tag] ? t.tags[tag].split(',').map(Number) : []);
    const used = numbers('search.history');
    const pending = numbers('search.pending');
    expect([...used, ...pending].every((i) => i < t.index)).toBe(true);
    const history = used.map((i) => ({ params: trials[i].params, value: trials[i].valOwa }));
    const avoid = [...used, ...pending].map((i) => trials[i].params);
    expect(suggestTrial(space, config, history, t.index, avoid), `trial ${t.index}`).toEqual(t.params);
    if (t.index < body.n_startup) continue;
    expect(used.length).toBeGreaterThan(0);
    const randomDraw = suggestTrial(space, { ...config, nStartup: Infinity }, [], t.index);
    if (JSON.stringify(randomDraw) !== JSON.stringify(t.params)) differs++;
  }
  expect(differs, 'TPE trials that are not their random draw').toBeGreaterThan(0);
  const best = trials.reduce((b, t) => (t.valOwa < b.valOwa ? t : b));
  expect(status.best_run_id).toBe(best.runId);
  expect(status.best_value).toBe(best.valOwa);
  const parent = await getRun(api, status.parent_run_id);
  expect(parent.info.status).toBe('FINISHED');
  const params = Object.fromEntries(parent.data.params.map((p: any) => [p.key, p.value]));
  expect(params).toMatchObject({
    'search.strategy': 'bayesian',
    'search.n_candidates': String(budget),
    'search.n_startup': String(body.n_startup),
    'search.parallelism': String(body.parallelism),
  });
  expect(tagsOf(parent)['tsflow.grid.best_run_id']).toBe(best.runId);
  return trials;
}

/** The runs of the search's experiment that carry a trial number: one FINISHED run per trial, nothing else. */
export async function trialRuns(api: Api, experimentName: string): Promise<{ status: string; trial: string }[]> {
  const exp = await api('GET', `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${experimentName}`);
  const res = await api('POST', '/api/2.0/mlflow/runs/search', {
    experiment_ids: [exp.body.experiment.experiment_id],
    max_results: 1000,
    run_view_type: 'ALL',
  });
  return (res.body.runs ?? [])
    .map((r: any) => ({ status: r.info.status, trial: tagsOf(r)['search.trial'] }))
    .filter((r: { trial?: string }) => r.trial !== undefined);
}

export const searchUrl = (id: string) => `${GRIDS}/${id}`;

/**
 * Waits for a search to end and counts the most trials that were queued or running at once;
 * `beforePoll` runs before every poll (e.g. extra scheduler reactions, as after a replayed event).
 */
export async function waitForSearch(
  api: Api,
  jobId: string,
  beforePoll?: () => Promise<unknown>,
): Promise<{ final: any; most: number }> {
  let most = 0;
  const final = await waitUntil(
    'search done',
    async () => {
      await beforePoll?.();
      const s = await gridStatus(api, jobId);
      most = Math.max(most, s.candidates.filter((c: any) => ['queued', 'running'].includes(c.state)).length);
      return ['completed', 'failed'].includes(s.state) ? s : undefined;
    },
    240_000,
    100,
  );
  return { final, most };
}
