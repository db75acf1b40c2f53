/** Job vocabulary shared by the REST API, the queue drivers and the processor. */
export const JOB_STATES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export type JobKind = 'run' | 'grid' | 'candidate';

export const FINAL_STATES: readonly JobState[] = ['completed', 'failed', 'cancelled'];

export interface JobRecord {
  jobId: string;
  kind: JobKind;
  /** The grid-search job of a candidate. */
  parentId: string | null;
  state: JobState;
  /** 0..1 */
  progress: number;
  /** What to do (TrainingSpec for runs and candidates, GridSpec for grids), as submitted. */
  spec: Record<string, unknown>;
  runId: string | null;
  /** Outcome: metrics of a run, best run and promotion decision of a grid. */
  result: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
  createdAt: number;
  updatedAt: number;
}

export interface NewJob {
  jobId: string;
  kind: JobKind;
  parentId?: string;
  spec: Record<string, unknown>;
  runId?: string;
}

export interface JobPatch {
  progress?: number;
  runId?: string;
  result?: Record<string, unknown>;
  error?: string | null;
  attempts?: number;
}

/** What a queue carries for one trainable unit (a single run or one grid candidate). */
export interface QueuedJob {
  jobId: string;
  kind: 'run' | 'candidate';
}
