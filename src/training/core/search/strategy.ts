import { TrainingInputError } from '../errors';
import { BayesianConfig, bayesianConfig, nextTrials } from './bayesian';
import { expandGrid, MAX_GRID_CANDIDATES } from './grid';
import { HalvingConfig } from './halving';
import { sampleSpace } from './random';
import { hasRanges, parseSpace } from './space';

/**
 * grid: the full cartesian product; random: n sampled candidates; halving: either, stopping weak
 * ones early; bayesian: n trials, each suggested by TPE from the finished ones (`tpe` is an alias).
 */
export const SEARCH_STRATEGIES = ['grid', 'random', 'halving', 'bayesian'] as const;
export type SearchStrategy = (typeof SEARCH_STRATEGIES)[number];
/** What a request may name: the strategies and their aliases. */
export const SEARCH_STRATEGY_NAMES = [...SEARCH_STRATEGIES, 'tpe'] as const;

/** The strategy a requested name means (`tpe` → bayesian); unknown names are left for planCandidates to refuse. */
export function strategyOf(name: string | undefined): SearchStrategy {
  return (name === 'tpe' ? 'bayesian' : (name ?? 'grid')) as SearchStrategy;
}

export interface SearchPlanInput {
  strategy: SearchStrategy;
  /** The `grid` field: choices and ranges (see parseSpace). */
  space: unknown;
  /** The budget of random (required) and of halving over ranges. */
  nCandidates?: number;
  /** Seed of the sampler (not of training). */
  seed: number;
  /** bayesian: random trials first (default: see defaultStartup). */
  nStartup?: number;
  /** bayesian: trials in flight at once (the caller's default: its workers). */
  parallelism?: number;
}

export interface PlannedSearch {
  /** The varied params of each candidate to submit now (bayesian: the first trials only). */
  combos: Record<string, unknown>[];
  bayesian?: BayesianConfig;
}

function checkBudget(n: number | undefined): void {
  if (n === undefined) return;
  if (!Number.isInteger(n) || n < 1 || n > MAX_GRID_CANDIDATES)
    throw new TrainingInputError(`n_candidates must be an integer in [1, ${MAX_GRID_CANDIDATES}], got ${n}`);
}

/** The candidates to submit now, in order (deterministic for a given input), and bayesian's settings. */
export function planSearch(input: SearchPlanInput): PlannedSearch {
  const bayesianOnly =
    input.nStartup !== undefined ? 'n_startup' : input.parallelism !== undefined ? 'parallelism' : '';
  if (input.strategy !== 'bayesian' && bayesianOnly)
    throw new TrainingInputError(
      `${bayesianOnly} applies to strategy 'bayesian' only (strategy is '${input.strategy}')`,
    );
  if (input.strategy !== 'bayesian') return { combos: planCandidates(input) };
  checkSeed(input.seed);
  const space = parseSpace(input.space);
  const bayesian = bayesianConfig(space, {
    budget: input.nCandidates,
    nStartup: input.nStartup,
    parallelism: input.parallelism ?? 1,
    seed: input.seed,
  });
  return { combos: nextTrials(space, bayesian, []).map((t) => t.params), bayesian };
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
    throw new TrainingInputError(`search_seed must be an integer in [0, 2^32-1], got ${seed}`);
}

/** The varied params of each candidate, in order (deterministic for a given input). */
export function planCandidates(input: SearchPlanInput): Record<string, unknown>[] {
  const space = parseSpace(input.space);
  checkBudget(input.nCandidates);
  checkSeed(input.seed);
  const ranged = space.find((d) => d.kind === 'range');
  switch (input.strategy) {
    case 'grid':
      if (ranged)
        throw new TrainingInputError(
          `grid '${ranged.name}' is a range: strategy 'grid' needs lists of values (use 'random' or 'halving')`,
        );
      if (input.nCandidates !== undefined)
        throw new TrainingInputError(
          "n_candidates applies to strategies 'random', 'halving' and 'bayesian', not 'grid'",
        );
      return expandGrid(input.space as Record<string, unknown>);
    case 'random':
      if (input.nCandidates === undefined)
        throw new TrainingInputError("strategy 'random' needs n_candidates (the number of candidates to sample)");
      return sampleSpace(space, input.nCandidates, input.seed);
    case 'bayesian':
      throw new TrainingInputError("strategy 'bayesian' submits its trials one by one: see planSearch");
    case 'halving':
      if (input.nCandidates !== undefined) return sampleSpace(space, input.nCandidates, input.seed);
      if (hasRanges(space))
        throw new TrainingInputError(
          `grid '${ranged!.name}' is a range: strategy 'halving' needs n_candidates to sample it`,
        );
      return expandGrid(input.space as Record<string, unknown>);
    default:
      throw new TrainingInputError(
        `strategy must be one of ${SEARCH_STRATEGY_NAMES.join(', ')}, got ${JSON.stringify(input.strategy)}`,
      );
  }
}

/** Validates the halving options ({eta, min_resource}) against the candidates' epochs. */
export function halvingConfig(
  raw: { eta?: number; min_resource?: number } | undefined,
  epochs: number[],
): HalvingConfig {
  const eta = raw?.eta ?? 3;
  const minResource = raw?.min_resource ?? 1;
  if (typeof eta !== 'number' || !Number.isFinite(eta) || eta < 2 || eta > 100)
    throw new TrainingInputError(`halving.eta must be a number in [2, 100], got ${JSON.stringify(eta)}`);
  if (!Number.isInteger(minResource) || minResource < 1)
    throw new TrainingInputError(
      `halving.min_resource must be an integer >= 1 (epochs), got ${JSON.stringify(minResource)}`,
    );
  const most = Math.max(...epochs);
  if (minResource >= most)
    throw new TrainingInputError(
      `halving.min_resource (${minResource}) must be below the candidates' epochs (at most ${most}): otherwise no candidate can be stopped early`,
    );
  return { eta, minResource };
}
