import { expect } from 'vitest';
import { Api, getRun, metricsOf, tagsOf, tinyGrid } from './grid';

/** Learning rates: one that learns, three so small the model barely moves (clearly worse from the first rung). */
export const GOOD_LR = 0.01;
export const BAD_LRS = [1e-6, 2e-6, 3e-6];
export const HALVING_EPOCHS = 8;

/**
 * A synthetic search on tiny models: candidate 1 is the only good one; rungs at epochs 2 and 6
 * (min_resource 2, eta 3). c2 and c3 reach the first rung after the good one, so they stop there
 * whatever the driver's concurrency; c0 may run alongside the good one (two workers) and then
 * either finishes or stops.
 */
export function halvingBody(strategy: 'halving' | 'grid', extra: Record<string, unknown> = {}) {
  return {
    ...tinyGrid({
      experiment_name: `${strategy}-e2e`,
      // A level target: learning rates that barely learn stay clearly worse (a return model starts at
      // persistence, where every learning rate looks alike after two epochs).
      params: {
        target: 'level',
        units: 4,
        epochs: HALVING_EPOCHS,
        layers: 1,
        batch_size: 32,
        patience: 100,
        seed: 7,
        dropout: 0,
      },
    }),
    grid: { learning_rate: [BAD_LRS[0], GOOD_LR, BAD_LRS[1], BAD_LRS[2]] },
    strategy,
    ...(strategy === 'halving' ? { halving: { eta: 3, min_resource: 2 } } : {}),
    ...extra,
  };
}

/** Stopped candidates: state, run status, tags and history say where and why; the best is the good one. */
export async function expectHalvingOutcome(api: Api, status: any, parentRunId: string): Promise<void> {
  expect(status.state, JSON.stringify(status)).toBe('completed');
  expect(status.strategy).toBe('halving');
  const byLr = (lr: number) => status.candidates.find((c: any) => c.params.learning_rate === lr);
  const good = byLr(GOOD_LR);
  expect(good.state).toBe('completed');
  expect(status.best_run_id).toBe(good.run_id);
  const parentTags = tagsOf(await getRun(api, parentRunId));
  for (const lr of BAD_LRS.slice(1)) {
    const c = byLr(lr);
    expect(c.state, JSON.stringify(c)).toBe('pruned');
    expect(c.pruned).toMatchObject({ promote: false, rung: 0, epoch: 2 });
    expect(c.pruned.value).toBeGreaterThan(c.pruned.cutoff);
    expect(c.pruned.reason).toMatch(/^stopped at rung 0 \(epoch 2\): best val_loss .* ranks \d+ of \d+ candidates/);
    const run = await getRun(api, c.run_id);
    expect(run.info.status).toBe('KILLED');
    expect(tagsOf(run)).toMatchObject({
      'tsflow.pruned': 'true',
      'tsflow.pruned.epoch': '2',
      'tsflow.pruned.reason': c.pruned.reason,
    });
    // Trained 2 of 8 epochs; its metrics (at its best epoch) are recorded, its model is not.
    const history = await api('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${c.run_id}&metric_key=val_loss`);
    expect(history.body.metrics.map((h: any) => h.step)).toEqual([1, 2]);
    expect(Number.isFinite(metricsOf(run).val_mae)).toBe(true);
    const files = await api('GET', `/api/2.0/mlflow/artifacts/list?run_id=${c.run_id}`);
    expect((files.body.files ?? []).map((f: any) => f.path)).not.toContain('model');
    expect(parentTags[`tsflow.search.pruned.${c.job_id}`]).toBe(c.pruned.reason);
  }
  // The good one trained every epoch and recorded its value at both rungs.
  const rungs = await api('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${good.run_id}&metric_key=rung_val_loss`);
  expect(rungs.body.metrics.map((h: any) => h.step)).toEqual([2, 6]);
  const goodHistory = await api('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${good.run_id}&metric_key=loss`);
  expect(goodHistory.body.metrics).toHaveLength(HALVING_EPOCHS);
  const pruned = status.candidates.filter((c: any) => c.state === 'pruned').length;
  expect(status.counts.pruned).toBe(pruned);
  expect(parentTags).toMatchObject({
    'tsflow.search.strategy': 'halving',
    'tsflow.search.pruned_count': String(pruned),
    'tsflow.grid.best_run_id': good.run_id,
  });
}
