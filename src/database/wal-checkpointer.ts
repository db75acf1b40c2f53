import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';

/**
 * Copies sqlite's WAL back into the database file from a worker thread with its own
 * connection, so the event loop never waits for it. Done by the committing connection (sqlite's
 * autocheckpoint) a checkpoint stalls every request for 0.1-0.5 s here (it writes thousands of
 * pages and fsyncs twice) every ~70 log-batch requests of 100 params.
 *
 * PASSIVE checkpoints never block the writer; one that lags behind continuous writes leaves the
 * WAL unrestarted, so the writer keeps its own autocheckpoint as a backstop at a larger size
 * (BACKSTOP_PAGES). The worker runs a pass every 100 ms while there are writes, one at a time:
 * the smaller its lag, the less the backstop has to copy and fsync on the event loop (every
 * 500 ms, the writer spent ~20% of a 100-param log-batch load blocked in those fsyncs, sampled
 * from /proc; at 100 ms the same load ran 9-19% more requests and its p95 fell by a third).
 */
export const BACKSTOP_PAGES = 20_000;

// Plain JS run in the worker (eval): no build step, works from sources under vitest too.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 5000 });
db.pragma('wal_autocheckpoint = 0');
parentPort.on('message', () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage(null);
  } catch (err) {
    // Busy (another process checkpoints) or a transient error: the next tick retries.
    parentPort.postMessage(String(err && err.message));
  }
});
`;

export class WalCheckpointer {
  private readonly logger = new Logger(WalCheckpointer.name);
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout;
  private dirty = false;
  /** A pass is running: ticks meanwhile do not queue more (they would run back to back). */
  private running = false;
  private failures = 0;

  constructor(file: string, intervalMs = 100) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, driver: require.resolve('better-sqlite3') } });
    this.worker.unref();
    this.worker.on('message', (failure: string | null) => {
      this.running = false;
      this.failures = failure === null ? 0 : this.failures + 1;
      if (this.failures === 10) this.logger.warn(`background WAL checkpoints keep failing: ${failure}`);
    });
    this.worker.on('error', (err) => this.logger.error(`WAL checkpointer stopped: ${err.message}`));
    // Only after writes: an idle server does no checkpoints (and no fsyncs).
    this.timer = setInterval(() => {
      if (!this.dirty || this.running) return;
      this.dirty = false;
      this.running = true;
      this.worker.postMessage('checkpoint');
    }, intervalMs);
    this.timer.unref();
  }

  /** Called after every committed write. */
  wrote(): void {
    this.dirty = true;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.worker.terminate();
  }
}
