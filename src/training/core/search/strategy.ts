import { TrainingInputError } from '../errors';
import { expandGrid, MAX_GRID_CANDIDATES } from './grid';
import { HalvingConfig } from './halving';
import { sampleSpace } from './random';
import { hasRanges, parseSpace } from './space';

/** grid: the full cartesian product; random: n sampled candidates; halving: either, stopping weak ones early. */
export const SEARCH_STRATEGIES = ['grid', 'random', 'halving'] as const;
export type SearchStrategy = (typeof SEARCH_STRATEGIES)[number];

export interface SearchPlanInput {
  strategy: SearchStrategy;
  /** The `grid` field: choices and ranges (see parseSpace). */
  space: unknown;
  /** The budget of random (required) and of halving over ranges. */
  nCandidates?: number;
  /** Seed of the sampler (not of training). */
  seed: number;
}

function checkBudget(n: number | undefined): void {
  if (n === undefined) return;
  if (!Number.isInteger(n) || n < 1 || n > MAX_GRID_CANDIDATES)
    throw new TrainingInputError(`n_candidates must be an integer in [1, ${MAX_GRID_CANDIDATES}], got ${n}`);
}

/** The varied params of each candidate, in order (deterministic for a given input). */
export function planCandidates(input: SearchPlanInput): Record<string, unknown>[] {
  const space = parseSpace(input.space);
  checkBudget(input.nCandidates);
  if (!Number.isInteger(input.seed) || input.seed < 0 || input.seed > 2 ** 32 - 1)
    throw new TrainingInputError(`search_seed must be an integer in [0, 2^32-1], got ${input.seed}`);
  const ranged = space.find((d) => d.kind === 'range');
  switch (input.strategy) {
    case 'grid':
      if (ranged)
        throw new TrainingInputError(
          `grid '${ranged.name}' is a range: strategy 'grid' needs lists of values (use 'random' or 'halving')`,
        );
      if (input.nCandidates !== undefined)
        throw new TrainingInputError("n_candidates applies to strategies 'random' and 'halving', not 'grid'");
      return expandGrid(input.space as Record<string, unknown>);
    case 'random':
      if (input.nCandidates === undefined)
        throw new TrainingInputError("strategy 'random' needs n_candidates (the number of candidates to sample)");
      return sampleSpace(space, input.nCandidates, input.seed);
    case 'halving':
      if (input.nCandidates !== undefined) return sampleSpace(space, input.nCandidates, input.seed);
      if (hasRanges(space))
        throw new TrainingInputError(
          `grid '${ranged!.name}' is a range: strategy 'halving' needs n_candidates to sample it`,
        );
      return expandGrid(input.space as Record<string, unknown>);
    default:
      throw new TrainingInputError(
        `strategy must be one of ${SEARCH_STRATEGIES.join(', ')}, got ${JSON.stringify(input.strategy)}`,
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
