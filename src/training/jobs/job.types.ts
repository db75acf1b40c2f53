import type { RungDecision } from '../core/search/halving';
import type { GridResult, GridSpec, TrainingSpec } from '../training.types';

/**
 * Job vocabulary shared by the REST API, the lifecycle, the queue drivers and the processor.
 * `pruned`: a grid candidate stopped early by the search strategy (successive halving).
 */
export const JOB_STATES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'pruned'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const JOB_KINDS = ['run', 'grid', 'candidate'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const FINAL_STATES: readonly JobState[] = ['completed', 'failed', 'cancelled', 'pruned'];
export const LIVE_STATES: readonly JobState[] = ['queued', 'running'];

export const isFinal = (state: JobState): boolean => FINAL_STATES.includes(state);

/** Outcome of a trainable job that completed. */
export interface RunResult {
  run_id: string;
  metrics: Record<string, number>;
  backend: string;
  best_epoch: number;
  /** A candidate stopped early by successive halving: the rung decision and why. */
  pruned?: RungDecision & { reason: string };
}

/** What a grid's result holds while one process decides its outcome (see TrainingJobsStore.claim). */
export interface FinalizingClaim {
  finalizing_by: string;
}

interface JobBase {
  jobId: string;
  state: JobState;
  /** 0..1 */
  progress: number;
  runId: string | null;
  error: string | null;
  attempts: number;
  createdAt: number;
  updatedAt: number;
}

/** A single training run. */
export interface RunJob extends JobBase {
  kind: 'run';
  parentId: null;
  spec: TrainingSpec;
  result: RunResult | null;
}

/** One candidate of a grid search. */
export interface CandidateJob extends JobBase {
  kind: 'candidate';
  /** The grid-search job. */
  parentId: string;
  spec: TrainingSpec;
  result: RunResult | null;
}

/** A grid search: its candidates are jobs of their own; it is never queued itself. */
export interface GridJob extends JobBase {
  kind: 'grid';
  parentId: null;
  spec: GridSpec;
  result: GridResult | FinalizingClaim | null;
}

export type JobRecord = RunJob | CandidateJob | GridJob;
/** What a queue carries and a worker trains. */
export type TrainableJob = RunJob | CandidateJob;

export const isTrainable = (job: JobRecord): job is TrainableJob => job.kind !== 'grid';

/** The grid's decided outcome, or null while it is open or being finalised. */
export function gridOutcome(grid: GridJob): GridResult | null {
  return grid.result && 'best_run_id' in grid.result ? grid.result : null;
}

export type NewJob =
  | { jobId: string; kind: 'run'; spec: TrainingSpec; runId: string }
  /** A candidate's run is created at submission, or (runId null: bayesian trials) when it starts. */
  | { jobId: string; kind: 'candidate'; parentId: string; spec: TrainingSpec; runId: string | null }
  | { jobId: string; kind: 'grid'; spec: GridSpec; runId: string };

export interface JobPatch {
  progress?: number;
  runId?: string;
  result?: RunResult | GridResult;
  error?: string | null;
  attempts?: number;
}

/** What a queue carries for one trainable unit (a single run or one grid candidate). */
export interface QueuedJob {
  jobId: string;
  kind: TrainableJob['kind'];
}

/** Candidate N of a grid search: a deterministic id, so that submitting it twice is a no-op. */
export function candidateJobId(gridId: string, index: number): string {
  return `${gridId}-c${String(index).padStart(4, '0')}`;
}
