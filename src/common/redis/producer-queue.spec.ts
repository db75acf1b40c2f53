import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { BullmqMonitorScheduler } from '../../monitors/schedule/bullmq.scheduler';
import { BullmqJobQueue } from '../../training/jobs/bullmq.queue';
import { RetryPolicy } from '../../training/jobs/retry.policy';
import { ProducerQueue } from './producer-queue';

// Port 1: connection refused at once, then refused again on every reconnection.
const DOWN = 'redis://127.0.0.1:1';
const LIVE = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const settle = () => new Promise((r) => setTimeout(r, 300));

/** Rejections nobody handled while `body` ran (vitest would also report them, but late and unnamed). */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const record = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', record);
  try {
    await body();
    await settle();
  } finally {
    process.off('unhandledRejection', record);
  }
  return seen;
}

describe('ProducerQueue', () => {
  it('with Redis unreachable: fails fast instead of hanging, and closes without an unhandled rejection', async () => {
    const unhandled = await unhandledDuring(async () => {
      const q = new ProducerQueue('t', DOWN, `tsflow-test-${randomUUID()}`, new Logger('t'));
      await settle(); // refused once, reconnecting
      const started = Date.now();
      await expect(q.ready()).rejects.toThrow(/connection is/);
      expect(Date.now() - started).toBeLessThan(2500);
      await q.close();
    });
    expect(unhandled).toEqual([]);
  });

  it('the monitor scheduler and the job queue answer and close while Redis is down (BullMQ would hang and reject unhandled)', async () => {
    const unhandled = await unhandledDuring(async () => {
      const prefix = `tsflow-test-${randomUUID()}`;
      const scheduler = new BullmqMonitorScheduler({ redisUrl: DOWN, prefix });
      const jobs = new BullmqJobQueue({ redisUrl: DOWN, prefix, retry: new RetryPolicy(1) });
      await scheduler.start(async () => undefined);
      await settle();
      await expect(scheduler.prune(new Set())).rejects.toThrow(/connection is/);
      await expect(scheduler.remove('m1')).rejects.toThrow(/connection is/);
      await expect(jobs.counts()).rejects.toThrow(/unavailable/);
      await expect(jobs.assertAvailable()).rejects.toThrow(/unavailable/);
      expect(await jobs.parallelism()).toBeUndefined();
      await scheduler.close();
      await jobs.close();
    });
    expect(unhandled).toEqual([]);
  });

  it('with Redis up: makes the queue once and reuses it', async () => {
    const q = new ProducerQueue('t', LIVE, `tsflow-test-${randomUUID()}`, new Logger('t'));
    const first = await q.ready();
    expect(await q.ready()).toBe(first);
    expect(await first.getJobCounts('waiting')).toMatchObject({ waiting: 0 });
    await q.close();
  });
});
