import type { CandidateJob, GridJob, JobKind, JobPatch, JobRecord, JobState, NewJob, TrainableJob } from './job.types';

/**
 * Persistent job records. The database, not the queue, is the source of truth for what a
 * user sees, so status survives a Redis restart and is the same from every API replica.
 * Only JobLifecycle changes a job's state (`transition`, `claim`); others read.
 */
export abstract class TrainingJobsStore {
  /** Inserts all jobs in one transaction, state `queued`. */
  abstract create(jobs: NewJob[]): Promise<void>;
  /**
   * Inserts one job (state `queued`) unless a job with its id exists: returns whether this call
   * inserted it. Ids are deterministic (a search's trial N), so exactly one of several processes
   * deciding the same trial creates it.
   */
  abstract createIfAbsent(job: NewJob): Promise<boolean>;
  abstract get(jobId: string): Promise<JobRecord | undefined>;
  /** Candidates of a grid, in job-id order. */
  abstract children(parentId: string): Promise<CandidateJob[]>;
  /** Newest first. */
  abstract list<K extends JobKind>(kind: K, limit: number, offset: number): Promise<Extract<JobRecord, { kind: K }>[]>;
  /**
   * Compare-and-set: moves the job to `to` only if its state is one of `from`, applying
   * `patch` in the same statement. Returns whether this call made the change, so exactly one
   * process wins a race (e.g. finishing a grid).
   */
  abstract transition(jobId: string, from: readonly JobState[], to: JobState, patch?: JobPatch): Promise<boolean>;
  /**
   * Claims the right to finalise a job for `owner` (e.g. the candidate whose end closes a grid):
   * succeeds when the job is in one of `from` and its result is empty or already claimed by the
   * same owner (a retry of a job whose worker died while finalising). The claim sits in
   * `result` until the final transition replaces it, so the job never looks final without its
   * outcome, and only one process does the work.
   */
  abstract claim(jobId: string, from: readonly JobState[], owner: string): Promise<boolean>;
  /** Jobs per kind and state (metrics). */
  abstract countByKindAndState(): Promise<{ kind: JobKind; state: JobState; count: number }[]>;
  /** Grid searches not final yet, oldest first (searches that add candidates as others finish). */
  abstract openGrids(): Promise<GridJob[]>;
  /** Trainable jobs (runs, candidates) not final yet, oldest first: what a queue must hold. */
  abstract pending(): Promise<TrainableJob[]>;
  /** Updates fields without touching the state. */
  abstract update(jobId: string, patch: JobPatch): Promise<void>;
}
