import { UnrecoverableError } from 'bullmq';
import { MlflowError } from '../../common/mlflow-error';
import { DataSourceError, TrainingInputError } from '../core/errors';

/** The first retry waits this long, each later one twice as long as the one before. */
const BACKOFF_DELAY_MS = 2000;

/**
 * The one retry policy of trainable jobs, applied by both queue drivers and by the job
 * lifecycle: how many attempts, how long to wait between them, and which failures are not
 * worth retrying. Pure, so the sandboxed processor and the worker's main process decide alike.
 */
export class RetryPolicy {
  constructor(readonly attempts: number) {}

  /** Bad input (data, params) fails at once; everything else may be transient and is retried. */
  isPermanent(err: unknown): boolean {
    if ((err as Error | undefined)?.name === 'UnrecoverableError') return true;
    if (err instanceof DataSourceError) return !err.transient;
    if (err instanceof MlflowError) return err.status < 500;
    return err instanceof TrainingInputError;
  }

  /** Whether a failure after `attemptsMade` tries (the failed one included) ends the job. */
  isFinal(err: unknown, attemptsMade: number, max = this.attempts): boolean {
    return this.isPermanent(err) || attemptsMade >= max;
  }

  /** How long to wait before the next try after `attemptsMade` failed ones: 2 s, 4 s, 8 s, ... */
  backoffMs(attemptsMade: number): number {
    return BACKOFF_DELAY_MS * 2 ** (attemptsMade - 1);
  }

  /** The same policy as BullMQ job options (its 'exponential' backoff is delay × 2^(attemptsMade-1)). */
  bullmqOptions(): { attempts: number; backoff: { type: 'exponential'; delay: number } } {
    return { attempts: this.attempts, backoff: { type: 'exponential', delay: BACKOFF_DELAY_MS } };
  }

  /** What a failed attempt throws: queues never retry an UnrecoverableError. */
  toThrow(err: unknown): unknown {
    if (!this.isPermanent(err) || (err as Error).name === 'UnrecoverableError') return err;
    return new UnrecoverableError((err as Error)?.message ?? String(err));
  }
}

/**
 * The 1-based number of the attempt a queue start is: failures (`attemptsMade`) and stalls (a start
 * whose process died, counted by BullMQ's `attemptsStarted`) alike.
 */
export function attemptNumber(job: { attemptsMade: number; attemptsStarted?: number }): number {
  return Math.max(job.attemptsMade + 1, job.attemptsStarted ?? 0);
}
