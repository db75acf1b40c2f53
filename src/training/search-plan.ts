import { MlflowError } from '../common/mlflow-error';
import type { Infer } from '../common/proto/fields';
import type { BayesianConfig } from './core/search/bayesian';
import { HalvingConfig } from './core/search/halving';
import { halvingConfig, planSearch, SearchStrategy, strategyOf } from './core/search/strategy';
import type { GridSearchReq } from './dtos/training.dto';
import { paramsObject } from './training-request';

export type GridSearchRequest = Infer<typeof GridSearchReq>;

/** What a grid-search request asks to train, before the candidates are validated one by one. */
export interface SearchPlan {
  strategy: SearchStrategy;
  /** Fixed params shared by all candidates. */
  fixed: Record<string, unknown>;
  /** The varied params of each candidate (bayesian: of the first trials; the others follow their results). */
  combos: Record<string, unknown>[];
  nCandidates?: number;
  seed: number;
  bayesian?: BayesianConfig;
}

/**
 * Reads strategy, budget, seed and space; halving's max_resource becomes the candidates' epochs.
 * `parallelism` is bayesian's default of trials in flight (the workers the queue has).
 */
export function searchPlan(req: GridSearchRequest, parallelism = 1): SearchPlan {
  const strategy = strategyOf(req.strategy);
  const fixed = { ...paramsObject(req.params) };
  const space = paramsObject(req.grid, 'grid');
  if (req.halving && strategy !== 'halving')
    throw MlflowError.invalid(`'halving' options apply to strategy 'halving' only (strategy is '${strategy}')`);
  const max = req.halving?.max_resource;
  if (max !== undefined) {
    if ('epochs' in space)
      throw MlflowError.invalid("halving.max_resource sets the epochs of every candidate: remove 'epochs' from grid");
    if (fixed.epochs !== undefined && Number(fixed.epochs) !== max)
      throw MlflowError.invalid(`halving.max_resource (${max}) and params.epochs (${String(fixed.epochs)}) disagree`);
    fixed.epochs = max;
  }
  const seed = req.search_seed ?? 0;
  const { combos, bayesian } = planSearch({
    strategy,
    space,
    nCandidates: req.n_candidates,
    seed,
    nStartup: req.n_startup,
    parallelism: req.parallelism ?? (strategy === 'bayesian' ? parallelism : undefined),
  });
  return { strategy, fixed, combos, nCandidates: req.n_candidates, seed, bayesian };
}

/** The halving rungs of a plan, checked against the validated candidates' epochs; undefined for other strategies. */
export function planHalving(req: GridSearchRequest, plan: SearchPlan, epochs: number[]): HalvingConfig | undefined {
  return plan.strategy === 'halving' ? halvingConfig(req.halving, epochs) : undefined;
}

/** The parent run's params describing the search (beside `grid.<name>` for the space). */
export function planParams(plan: SearchPlan, halving: HalvingConfig | undefined): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [{ key: 'search.strategy', value: plan.strategy }];
  if (plan.strategy !== 'grid' && plan.nCandidates !== undefined) {
    out.push({ key: 'search.n_candidates', value: String(plan.nCandidates) });
    out.push({ key: 'search.seed', value: String(plan.seed) });
  }
  if (plan.bayesian) {
    out.push({ key: 'search.n_startup', value: String(plan.bayesian.nStartup) });
    out.push({ key: 'search.parallelism', value: String(plan.bayesian.parallelism) });
  }
  if (halving) {
    out.push({ key: 'halving.eta', value: String(halving.eta) });
    out.push({ key: 'halving.min_resource', value: String(halving.minResource) });
  }
  return out;
}
