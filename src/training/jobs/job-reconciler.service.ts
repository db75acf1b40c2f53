import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { JobQueue } from './job-queue';
import type { TrainableJob } from './job.types';
import { SearchDriver } from './search-driver';
import { TrainingJobsStore } from './training-jobs.store';

/**
 * A worker beats this often for each job it holds (updated_at of the job row, from the worker's
 * main process: a sandbox busy in a long epoch cannot), while the queue still has the job.
 */
export const HEARTBEAT_MS = 1000;
/** A running job without a beat (nor progress) for this long has lost its worker or its queue entry. */
export const STALE_MS = 5 * HEARTBEAT_MS;

/**
 * Puts back into the queue what the database says is pending but the queue lost. At start:
 * jobs of an embedded driver that died with its process, or BullMQ jobs lost with a Redis that
 * kept nothing on disk. While running (BullMQ only: the embedded queue lives in this process),
 * every `TSFLOW_RECONCILE_INTERVAL_MS`: queued jobs whose BullMQ job is gone (Redis flushed or
 * restarted empty), and running ones that are gone too and whose worker stopped beating for
 * STALE_MS (a job its worker still holds keeps training in its sandbox and records the outcome).
 * Ids are deterministic, so re-adding a job the queue still holds changes nothing. Each pass also
 * lets open bayesian searches submit the trials they are owed (see SearchDriver).
 */
@Injectable()
export class JobReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobReconciler.name);
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    @Inject(JobQueue) private readonly queue: JobQueue,
    private readonly jobs: TrainingJobsStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly searches: SearchDriver,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.requeue(await this.lostAtStart());
    await this.driveSearches();
    const every = this.config.jobs.reconcileIntervalMs;
    if (this.queue.driver === 'bullmq' && every > 0) {
      this.timer = setInterval(() => void this.reconcile(), every);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One pass of the periodic check; skipped while the previous one still runs. */
  async reconcile(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const stale = Date.now() - STALE_MS;
      const candidates = (await this.jobs.pending()).filter((j) => j.state === 'queued' || j.updatedAt < stale);
      const missing = new Set(await this.queue.missing(candidates.map((j) => j.jobId)));
      const lost = candidates.filter((j) => missing.has(j.jobId));
      // A job cancelled since it was read has also left the queue: it is not lost (read again).
      const pending = lost.length > 0 ? new Set((await this.jobs.pending()).map((j) => j.jobId)) : new Set();
      await this.requeue(lost.filter((j) => pending.has(j.jobId)));
      await this.driveSearches();
    } catch (err) {
      this.logger.warn(`could not check the queue for lost training jobs: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  /** BullMQ: every pending job (it ignores those it holds). Embedded: queued ones and stale running ones. */
  private async lostAtStart(): Promise<TrainableJob[]> {
    const stale = Date.now() - STALE_MS;
    return (await this.jobs.pending()).filter(
      (j) => this.queue.driver === 'bullmq' || j.state === 'queued' || j.updatedAt < stale,
    );
  }

  private async driveSearches(): Promise<void> {
    try {
      await this.searches.advanceOpen();
    } catch (err) {
      this.logger.warn(`could not drive the open searches: ${(err as Error).message}`);
    }
  }

  private async requeue(lost: TrainableJob[]): Promise<void> {
    if (lost.length === 0) return;
    try {
      await this.queue.add(lost.map((j) => ({ jobId: j.jobId, kind: j.kind })));
      this.logger.log(`re-queued ${lost.length} pending training job(s) from the database`);
    } catch (err) {
      this.logger.warn(`could not re-queue pending training jobs: ${(err as Error).message}`);
    }
  }
}
