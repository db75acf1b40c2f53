import type { QueuedJob } from './job.types';

export type QueueDriver = 'bullmq' | 'embedded';

/**
 * Where trainable jobs wait for a worker. Two drivers: BullMQ on Redis (many worker
 * processes or hosts) and an embedded one that runs the same processor file in child
 * processes of the API (zero setup). Job status lives in the database, not here.
 */
export abstract class JobQueue {
  abstract readonly driver: QueueDriver;
  private readonly settledListeners: ((jobId: string) => void)[] = [];

  /**
   * Calls `listener` with a job's id whenever an attempt of it ended (completed or failed; the
   * job record says whether for good), in this process, wherever the job ran. Searches that
   * submit candidates as others finish listen here. Best effort: a listener must be idempotent,
   * and whatever an event missed is caught up by the reconciler.
   */
  onSettled(listener: (jobId: string) => void): void {
    this.settledListeners.push(listener);
  }

  protected settled(jobId: string): void {
    for (const listener of this.settledListeners) listener(jobId);
  }

  /** Trials a search may run at once by default: the jobs this queue trains in parallel, when known. */
  abstract parallelism(): Promise<number | undefined>;
  /**
   * TEMPORARILY_UNAVAILABLE when jobs cannot be queued now: submissions check this before they
   * create runs or job records, so a 503 leaves nothing behind.
   */
  abstract assertAvailable(): Promise<void>;
  /** Enqueue with deterministic ids; TEMPORARILY_UNAVAILABLE when the backend is unreachable. */
  abstract add(jobs: QueuedJob[]): Promise<void>;
  /** Drop jobs that have not started; running ones stop at their next epoch (they poll the DB). */
  abstract remove(jobIds: string[]): Promise<void>;
  /** The ids among these that the queue does not hold (waiting, delayed or running): lost jobs to re-queue. */
  abstract missing(jobIds: string[]): Promise<string[]>;
  /** Jobs waiting and running, for metrics and the status page. */
  abstract counts(): Promise<{ waiting: number; active: number }>;
  abstract close(): Promise<void>;
}
