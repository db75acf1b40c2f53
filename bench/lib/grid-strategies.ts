/**
 * Grid vs successive halving on the same search space (bench:grid --strategies): candidates
 * finished per minute, epochs trained, and whether halving still finds the grid's best.
 * The space mixes good and clearly worse learning rates in an interleaved order (ASHA's first
 * arrival at a rung always goes on, so the order of the list matters for how much it saves).
 */
export const STRATEGY_SPACE = { learning_rate: [1e-3, 1e-5, 3e-3, 3e-5, 3e-4, 1e-4], seed: [1, 2] };

export function strategyBody(strategy: 'grid' | 'halving', epochs: number) {
  return {
    experiment_name: `bench-${strategy}`,
    dataset: { ticker: 'MSFT', source: 'sample', start_date: '2019-01-01', end_date: '2021-12-31' },
    params: { seq_length: 20, units: 16, layers: 1, dropout: 0, batch_size: 32, epochs, patience: 1000 },
    grid: STRATEGY_SPACE,
    strategy,
    ...(strategy === 'halving' ? { halving: { eta: 3, min_resource: 1 } } : {}),
    metric: 'val_mae',
  };
}

export interface StrategyRun {
  strategy: 'grid' | 'halving';
  candidates: number;
  pruned: number;
  wall_ms: number;
  candidates_per_minute: number;
  epochs_trained: number;
  best_val_mae: number;
  best_params: Record<string, unknown>;
  loadavg_1m_before: number;
}

const round = (v: number, d = 0) => Number(v.toFixed(d));

/** One finished search, from its final REST status. */
export function strategyRun(
  strategy: 'grid' | 'halving',
  epochs: number,
  submittedAt: number,
  status: any,
  load: number,
): StrategyRun {
  const cands = status.candidates as any[];
  const wall = status.updated_at - submittedAt;
  const best = cands.find((c) => c.run_id === status.best_run_id);
  return {
    strategy,
    candidates: cands.length,
    pruned: cands.filter((c) => c.state === 'pruned').length,
    wall_ms: wall,
    candidates_per_minute: round((cands.length * 60_000) / wall, 2),
    epochs_trained: cands.reduce((n, c) => n + (c.state === 'pruned' ? c.pruned.epoch : epochs), 0),
    best_val_mae: status.best_value,
    best_params: best?.params ?? {},
    loadavg_1m_before: round(load, 2),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Medians per strategy and the halving/grid ratio of candidates per minute (runs alternate, side by side). */
export function summariseStrategies(runs: StrategyRun[]) {
  const of = (s: string) => runs.filter((r) => r.strategy === s);
  const med = (s: string, k: 'candidates_per_minute' | 'wall_ms' | 'epochs_trained') => median(of(s).map((r) => r[k]));
  const grid = med('grid', 'candidates_per_minute');
  const halving = med('halving', 'candidates_per_minute');
  const gridBest = of('grid')[0]?.best_params;
  return {
    median_candidates_per_minute: { grid, halving },
    median_wall_ms: { grid: med('grid', 'wall_ms'), halving: med('halving', 'wall_ms') },
    median_epochs_trained: { grid: med('grid', 'epochs_trained'), halving: med('halving', 'epochs_trained') },
    halving_vs_grid_candidates_per_minute: round(halving / grid, 2),
    halving_found_grid_best: of('halving').every((r) => JSON.stringify(r.best_params) === JSON.stringify(gridBest)),
  };
}
