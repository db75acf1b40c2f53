import { TrainingInputError } from '../errors';
import { MAX_GRID_CANDIDATES } from './grid';
import { SearchSpace, spaceSize } from './space';
import { tpeSuggest, Trial } from './tpe';

/**
 * Bayesian optimisation as a search strategy: trials are suggested one at a time by the TPE
 * sampler from the finished trials' objective, with at most `parallelism` in flight, until
 * `budget` trials exist. Pure scheduling decisions; the service that calls them stores each
 * trial under its number, so deciding twice (two replicas, a restart) creates nothing twice.
 */
export interface BayesianConfig {
  /** Trials in total (`n_candidates`). */
  budget: number;
  /** The first trials are random draws (TPE needs a history to model). */
  nStartup: number;
  /** Trials in flight at once. */
  parallelism: number;
  seed: number;
}

export const MAX_PARALLELISM = 64;

/** A trial as the scheduler sees it: its number, params, and, once final, its objective (lower is better). */
export interface TrialState {
  index: number;
  params: Record<string, unknown>;
  finished: boolean;
  /** Finished trials: the objective, lower is better; failed ones +Infinity (worst). */
  value: number;
}

export interface TrialSuggestion {
  index: number;
  params: Record<string, unknown>;
  /** 'random' for startup trials, 'tpe' after. */
  sampler: 'random' | 'tpe';
  /** The numbers of the finished trials the suggestion was drawn from (its reproducibility). */
  history: number[];
  /** The numbers of the trials in flight then (its params differ from theirs). */
  pending: number[];
}

/** Optuna's 10 startup trials, fewer for small budgets so that half the budget at least is guided. */
export function defaultStartup(budget: number): number {
  return Math.max(1, Math.min(10, Math.floor(budget / 2)));
}

/** Validates the options of a bayesian search; every error names the field. */
export function bayesianConfig(
  space: SearchSpace,
  raw: { budget?: number; nStartup?: number; parallelism: number; seed: number },
): BayesianConfig {
  const { budget, nStartup, parallelism } = raw;
  if (budget === undefined)
    throw new TrainingInputError("strategy 'bayesian' needs n_candidates (the number of trials, its budget)");
  if (!Number.isInteger(budget) || budget < 1 || budget > MAX_GRID_CANDIDATES)
    throw new TrainingInputError(`n_candidates must be an integer in [1, ${MAX_GRID_CANDIDATES}], got ${budget}`);
  const size = spaceSize(space);
  if (size < budget)
    throw new TrainingInputError(
      `n_candidates (${budget}) exceeds the ${size} distinct candidates of the space; lower it or use strategy 'grid'`,
    );
  const startup = nStartup ?? defaultStartup(budget);
  if (!Number.isInteger(startup) || startup < 0 || startup > budget)
    throw new TrainingInputError(`n_startup must be an integer in [0, n_candidates=${budget}], got ${nStartup}`);
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > MAX_PARALLELISM)
    throw new TrainingInputError(`parallelism must be an integer in [1, ${MAX_PARALLELISM}], got ${parallelism}`);
  return { budget, nStartup: startup, parallelism: Math.min(parallelism, budget), seed: raw.seed };
}

/**
 * The trials to submit now: the next numbers after the existing ones, as many as free slots
 * (parallelism minus trials in flight) and budget allow. Each is suggested from the finished
 * trials, and differs from every trial tried or in flight (those submitted just before it
 * included) while the space has room. Deterministic: the same trials give the same suggestions.
 */
export function nextTrials(space: SearchSpace, config: BayesianConfig, trials: TrialState[]): TrialSuggestion[] {
  const next = trials.reduce((n, t) => Math.max(n, t.index + 1), 0);
  const inFlight = trials.filter((t) => !t.finished).sort((a, b) => a.index - b.index);
  const slots = Math.min(config.parallelism - inFlight.length, config.budget - next);
  if (slots <= 0) return [];
  const finished = trials.filter((t) => t.finished).sort((a, b) => a.index - b.index);
  const history: Trial[] = finished.map((t) => ({ params: t.params, value: t.value }));
  const pending = inFlight.map((t) => ({ index: t.index, params: t.params }));
  const out: TrialSuggestion[] = [];
  for (let index = next; index < next + slots; index++) {
    const avoid = [...history.map((t) => t.params), ...pending.map((t) => t.params)];
    const params = suggestTrial(space, config, history, index, avoid);
    out.push({
      index,
      params,
      sampler: index < config.nStartup ? 'random' : 'tpe',
      history: finished.map((t) => t.index),
      pending: pending.map((t) => t.index),
    });
    pending.push({ index, params });
  }
  return out;
}

/**
 * Trial `index`'s params from these finished trials (random below nStartup), other than the
 * `avoid`ed ones: what a trial's tags (history, pending) let anyone recompute.
 */
export function suggestTrial(
  space: SearchSpace,
  config: Pick<BayesianConfig, 'nStartup' | 'seed'>,
  history: Trial[],
  index: number,
  avoid: Record<string, unknown>[] = [],
): Record<string, unknown> {
  return tpeSuggest(space, history, config.seed, { nStartup: config.nStartup, trialIndex: index, avoid });
}
