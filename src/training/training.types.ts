import type { CleaningStrategy, SeriesTrainingParams, TrainingParams } from './core';
import type { BayesianConfig } from './core/search/bayesian';
import type { Comparison, FloorCheck } from './execution/champion-evaluation';
import type { HalvingConfig } from './core/search/halving';
import type { SearchStrategy } from './core/search/strategy';
import type { DatasetSpec } from './data/price-data.service';

/** One trainable unit, as stored in a job record (a single run or one grid candidate). */
export interface TrainingSpec {
  experimentId: string;
  dataset: DatasetSpec;
  params: TrainingParams;
  cleaning: CleaningStrategy;
  runName?: string;
  /** Grid candidates: the parent run, so MLflow clients show the runs nested. */
  parentRunId?: string;
  /** Grid candidates: the hyperparameters this candidate varies. */
  varied?: Record<string, unknown>;
  /** Candidates of a `halving` search: the rungs at which they may be stopped early. */
  halving?: HalvingConfig;
  /** Series datasets (`dataset.name`): the family, horizon and split; `params` then keeps the price defaults, unused. */
  series?: SeriesTrainingParams;
  /** Grid candidates: which trial of which search this is (tags `search.*` on its run). */
  trial?: TrialInfo;
}

/** A candidate's place in its search; bayesian trials also say what they were suggested from. */
export interface TrialInfo {
  strategy: SearchStrategy;
  index: number;
  sampler?: 'random' | 'tpe';
  /** The finished trials the suggestion was drawn from (their numbers). */
  history?: number[];
  /** The trials in flight then, whose params it avoided (their numbers). */
  pending?: number[];
}

export const PROMOTION_POLICIES = ['never', 'if_better', 'always'] as const;
export type PromotionPolicy = (typeof PROMOTION_POLICIES)[number];

/** A grid search, as stored in its job record. */
export interface GridSpec {
  experimentId: string;
  dataset: DatasetSpec;
  /** Fixed params shared by all candidates (before the grid is applied). */
  params: Record<string, unknown>;
  /** The search space: lists of values, and ranges for random and halving. */
  grid: Record<string, unknown>;
  /** Absent on grids stored before strategies existed: `grid`. */
  strategy?: SearchStrategy;
  nCandidates?: number;
  searchSeed?: number;
  halving?: HalvingConfig;
  /** bayesian: budget, startup trials, parallelism and seed; trials are added as others finish. */
  bayesian?: BayesianConfig;
  /** The parent run's name; trial runs are named `<it>-c<N>`. */
  runName?: string;
  metric: string;
  promote?: { modelName: string; policy: PromotionPolicy };
  cleaning: CleaningStrategy;
}

/** Where grid outcomes are kept (job result). */
export interface GridResult {
  best_run_id: string | null;
  best_candidate: string | null;
  metric: string;
  best_value: number | null;
  promotion: PromotionDecision | null;
}

export interface PromotionDecision {
  policy: PromotionPolicy;
  model_name: string;
  promoted: boolean;
  reason: string;
  candidate_score: number | null;
  champion_score: number | null;
  champion_version: string | null;
  new_version: string | null;
  /** The promotion floor on the candidate's own test days (skill, Diebold-Mariano p-value). */
  floor?: FloorCheck;
  /** if_better: both models on the days after both training ends. */
  comparison?: Comparison;
}
