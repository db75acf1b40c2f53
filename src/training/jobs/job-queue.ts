import type { QueuedJob } from './job.types';

export type QueueDriver = 'bullmq' | 'embedded';

/**
 * Where trainable jobs wait for a worker. Two drivers: BullMQ on Redis (many worker
 * processes or hosts) and an embedded one that runs the same processor file in child
 * processes of the API (zero setup). Job status lives in the database, not here.
 */
export abstract class JobQueue {
  abstract readonly driver: QueueDriver;
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
