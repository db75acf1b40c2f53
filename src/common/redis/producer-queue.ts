import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';

const CONNECT_TIMEOUT_MS = 2000;

/**
 * The producer side of a BullMQ queue: one Redis connection that fails fast while Redis is
 * down (a submission answers 503 instead of waiting), and the `Queue` itself, made only once
 * that connection has been ready. BullMQ 5 starts waiting for its connection when a `Queue`
 * is constructed: never connected, its methods never settle (`getJobSchedulers` hangs) and
 * closing it rejects with nobody listening (an unhandled rejection). A queue made after the
 * first `ready` has neither problem.
 */
export class ProducerQueue {
  readonly connection: IORedis;
  private queue?: Queue;

  constructor(
    private readonly name: string,
    redisUrl: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.connection = new IORedis(redisUrl, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.connection.on('error', (err) => this.logger.debug(`redis: ${err.message}`));
  }

  /**
   * The queue, once Redis answers. Waits for a connection still being set up (right after
   * boot, or the first try after Redis came back); throws at once while Redis is down.
   */
  async ready(): Promise<Queue> {
    const c = this.connection;
    if (c.status === 'connecting' || c.status === 'connect' || c.status === 'wait') {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          for (const event of ['ready', 'close', 'end'] as const) c.off(event, done);
          resolve();
        };
        const timer = setTimeout(done, CONNECT_TIMEOUT_MS);
        for (const event of ['ready', 'close', 'end'] as const) c.once(event, done);
      });
    }
    if (c.status !== 'ready') throw new Error(`connection is ${c.status}`);
    if (!this.queue) {
      this.queue = new Queue(this.name, { connection: c, prefix: this.prefix });
      this.queue.on('error', (err) => this.logger.debug(`queue: ${err.message}`));
    }
    return this.queue;
  }

  async close(): Promise<void> {
    await this.queue?.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
