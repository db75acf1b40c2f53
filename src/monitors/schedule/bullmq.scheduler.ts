import { Logger } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { ProducerQueue } from '../../common/redis/producer-queue';
import type { Monitor } from '../monitor.types';
import { MonitorScheduler, TickHandler } from './monitor-scheduler';

export const MONITOR_QUEUE = 'monitor-checks';

const schedulerId = (monitorId: string) => `monitor-${monitorId}`;

/** The tick a scheduler job stands for: BullMQ names them `repeat:<scheduler>:<millis>`. */
export function tickOf(job: Pick<Job, 'id' | 'opts' | 'timestamp'>): Date {
  const prev = (job.opts as { prevMillis?: number }).prevMillis;
  const fromId = Number(
    String(job.id ?? '')
      .split(':')
      .pop(),
  );
  return new Date(prev ?? (Number.isFinite(fromId) ? fromId : job.timestamp));
}

/**
 * BullMQ job schedulers (one per monitor, upserted idempotently by every replica): Redis
 * produces exactly one job per tick for the whole deployment and one consumer takes it.
 * Consumers live in the API processes (a check loads the champion and logs to the stores).
 */
export class BullmqMonitorScheduler extends MonitorScheduler {
  readonly driver = 'bullmq' as const;
  private readonly logger = new Logger(BullmqMonitorScheduler.name);
  private readonly producer: ProducerQueue;
  private worker?: Worker;
  private consumer?: IORedis;
  private closed = false;

  constructor(private readonly settings: { redisUrl: string; prefix: string }) {
    super();
    // Fail fast while Redis is down (a create or PATCH must not hang); the service re-syncs later.
    this.producer = new ProducerQueue(MONITOR_QUEUE, settings.redisUrl, `${settings.prefix}:bull`, this.logger);
  }

  async start(onTick: TickHandler): Promise<void> {
    // The consumer starts once Redis answers: while it is unreachable (start-up with Redis down,
    // or a wrong URL) nothing keeps reconnecting in the background, and the API serves anyway.
    const begin = () => {
      if (this.worker || this.closed) return;
      const connection = new IORedis(this.settings.redisUrl, { maxRetriesPerRequest: null });
      this.consumer = connection;
      connection.on('error', (err) => this.logger.debug(`redis: ${err.message}`));
      this.worker = new Worker(
        MONITOR_QUEUE,
        async (job: Job<{ monitorId: string }>) => onTick(job.data.monitorId, tickOf(job)),
        { connection, prefix: `${this.settings.prefix}:bull`, concurrency: 1, autorun: true },
      );
      this.worker.on('error', (err) => this.logger.debug(`worker: ${err.message}`));
      this.worker.on('failed', (job, err) => this.logger.warn(`monitor tick ${job?.id} failed: ${err.message}`));
    };
    if (this.producer.connection.status === 'ready') begin();
    else this.producer.connection.once('ready', begin);
  }

  async sync(m: Monitor): Promise<void> {
    if (m.paused) return this.remove(m.monitorId);
    await (
      await this.producer.ready()
    ).upsertJobScheduler(
      schedulerId(m.monitorId),
      { pattern: m.config.schedule.cron, tz: m.config.schedule.timezone },
      {
        name: 'check',
        data: { monitorId: m.monitorId },
        opts: { removeOnComplete: 100, removeOnFail: 100, attempts: 1 },
      },
    );
  }

  async remove(monitorId: string): Promise<void> {
    await (await this.producer.ready()).removeJobScheduler(schedulerId(monitorId));
  }

  async prune(existing: ReadonlySet<string>): Promise<void> {
    for (const s of await (await this.producer.ready()).getJobSchedulers()) {
      const id = s.key.startsWith('monitor-') ? s.key.slice('monitor-'.length) : undefined;
      if (id && !existing.has(id)) await this.remove(id);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.close();
    await this.producer.close();
    this.consumer?.disconnect();
  }
}
