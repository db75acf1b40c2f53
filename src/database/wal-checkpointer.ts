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
 * (BACKSTOP_PAGES): by then the worker has copied almost everything and the rest is cheap.
 */
export const BACKSTOP_PAGES = 20_000;

// Plain JS run in the worker (eval): no build step, works from sources under vitest too.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 5000 });
db.pragma('wal_autocheckpoint = 0');
let failures = 0;
parentPort.on('message', () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failures = 0;
  } catch (err) {
    // Busy (another process checkpoints) or a transient error: the next tick retries.
    if (++failures === 10) parentPort.postMessage(String(err && err.message));
  }
});
`;

export class WalCheckpointer {
  private readonly logger = new Logger(WalCheckpointer.name);
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout;
  private dirty = false;

  constructor(file: string, intervalMs = 500) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, driver: require.resolve('better-sqlite3') } });
    this.worker.unref();
    this.worker.on('message', (msg) => this.logger.warn(`background WAL checkpoints keep failing: ${String(msg)}`));
    this.worker.on('error', (err) => this.logger.error(`WAL checkpointer stopped: ${err.message}`));
    // Only after writes: an idle server does no checkpoints (and no fsyncs).
    this.timer = setInterval(() => {
      if (!this.dirty) return;
      this.dirty = false;
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
