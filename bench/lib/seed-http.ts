import { seededRandom } from '../../src/training/core/series/shuffle';
import { api, createExperiment, createRun, pool } from './api';

/** Deterministic PRNG (the training core's mulberry32) so every benchmark run searches the same data. */
export const rng = seededRandom;

export const UNITS = ['32', '64', '128', '256'];

/**
 * The SearchRuns data set, through the public API (runs/create + one log-batch per run, as a
 * client would): `n` runs with metrics m0..m19, param `units` and tag `team`.
 */
export async function seedSearchRuns(base: string, experimentId: string, n: number, concurrency = 20): Promise<void> {
  const random = rng(42);
  const runs = Array.from({ length: n }, (_, i) => ({
    team: `team-${i % 7}`,
    units: UNITS[Math.floor(random() * UNITS.length)],
    metrics: Array.from({ length: 20 }, () => random()),
  }));
  await pool(n, concurrency, async (i) => {
    const r = runs[i];
    const runId = await createRun(base, experimentId, [{ key: 'team', value: r.team }]);
    const now = Date.now();
    await api(base, 'runs/log-batch', {
      run_id: runId,
      metrics: r.metrics.map((value, k) => ({ key: `m${k}`, value, timestamp: now, step: 0 })),
      params: [{ key: 'units', value: r.units }],
    });
  });
}

/** `n` experiments named `<prefix><i>`; returns their ids. */
export async function seedExperiments(base: string, prefix: string, n: number, concurrency = 10): Promise<string[]> {
  const ids: string[] = new Array(n);
  await pool(n, concurrency, async (i) => {
    ids[i] = await createExperiment(base, `${prefix}${i}`);
  });
  return ids;
}

/** `n` runs in one experiment (the per-client runs of the log-batch cases). */
export async function createRuns(base: string, experimentId: string, n: number): Promise<string[]> {
  const ids: string[] = new Array(n);
  await pool(n, 10, async (i) => {
    ids[i] = await createRun(base, experimentId, [{ key: 'bench.client', value: String(i) }]);
  });
  return ids;
}
