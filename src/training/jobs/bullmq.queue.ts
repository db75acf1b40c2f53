import { Logger } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { ErrorCode, MlflowError } from '../../common/mlflow-error';
import { ProducerQueue } from '../../common/redis/producer-queue';
import { JobQueue } from './job-queue';
import type { QueuedJob } from './job.types';
import { RetryPolicy } from './retry.policy';

export const TRAINING_QUEUE = 'training';

export interface BullmqSettings {
  redisUrl: string;
  prefix: string;
  retry: RetryPolicy;
}

export class BullmqJobQueue extends JobQueue {
  readonly driver = 'bullmq' as const;
  private readonly logger = new Logger(BullmqJobQueue.name);
  private readonly producer: ProducerQueue;
  /** Completion events of every worker, for onSettled listeners (opened by the first listener). */
  private events?: QueueEvents;

  constructor(private readonly settings: BullmqSettings) {
    super();
    this.producer = new ProducerQueue(TRAINING_QUEUE, settings.redisUrl, `${settings.prefix}:bull`, this.logger);
  }

  private unavailable(err: unknown): MlflowError {
    return new MlflowError(
      ErrorCode.TEMPORARILY_UNAVAILABLE,
      `The job queue (Redis) is unavailable: ${(err as Error).message}. Tracking, registry and serving keep working; retry the submission later.`,
    );
  }

  private queue(): Promise<Queue> {
    return this.producer.ready().catch((err) => Promise.reject(this.unavailable(err)));
  }

  async assertAvailable(): Promise<void> {
    await this.queue();
  }

  async add(jobs: QueuedJob[]): Promise<void> {
    const queue = await this.queue();
    try {
      await queue.addBulk(
        jobs.map((j) => ({
          name: j.kind,
          data: j,
          opts: {
            jobId: j.jobId,
            ...this.settings.retry.bullmqOptions(),
            removeOnComplete: { age: 24 * 3600, count: 10_000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        })),
      );
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  async remove(jobIds: string[]): Promise<void> {
    for (const id of jobIds) {
      try {
        const job = await (await this.queue()).getJob(id);
        const state = job ? await job.getState() : undefined;
        if (job && (state === 'waiting' || state === 'delayed' || state === 'prioritized')) await job.remove();
      } catch (err) {
        this.logger.warn(`could not remove job ${id} from the queue: ${(err as Error).message}`);
      }
    }
  }

  /** One pipelined EXISTS per job hash: which of these ids Redis no longer holds (e.g. after a flush). */
  async missing(jobIds: string[]): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const queue = await this.queue();
    try {
      const pipeline = this.producer.connection.pipeline();
      for (const id of jobIds) pipeline.exists(queue.toKey(id));
      const answers = (await pipeline.exec()) ?? [];
      return jobIds.filter((_, i) => answers[i]?.[1] === 0);
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  override onSettled(listener: (jobId: string) => void): void {
    super.onSettled(listener);
    if (this.events) return;
    // A blocking connection of its own (XREAD on the events stream), which reconnects: QueueEvents
    // duplicates this never-connected template and connects (and closes) the copy.
    const connection = new IORedis(this.settings.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    this.events = new QueueEvents(TRAINING_QUEUE, { connection, prefix: `${this.settings.prefix}:bull` });
    this.events.on('error', (err) => this.logger.debug(`queue events: ${err.message}`));
    this.events.on('completed', ({ jobId }) => this.settled(jobId));
    this.events.on('failed', ({ jobId }) => this.settled(jobId));
  }

  /** The workers connected to this queue (each may train several jobs: see TSFLOW_WORKER_CONCURRENCY). */
  async parallelism(): Promise<number | undefined> {
    try {
      return (await (await this.queue()).getWorkersCount()) || undefined;
    } catch {
      return undefined;
    }
  }

  async counts(): Promise<{ waiting: number; active: number }> {
    const c = await (await this.queue()).getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    return { waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0 };
  }

  async close(): Promise<void> {
    await this.events?.close().catch(() => undefined);
    await this.producer.close();
  }
}
