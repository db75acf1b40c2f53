import { ChildProcess, fork } from 'node:child_process';
import { Logger } from '@nestjs/common';
import { JobQueue } from './job-queue';
import type { ChildJob, ChildMessage } from './embedded-protocol';
import type { QueuedJob } from './job.types';
import { EMBEDDED_CHILD_FILE } from './processor-path';
import { RetryPolicy } from './retry.policy';

export interface EmbeddedSettings {
  concurrency: number;
  retry: RetryPolicy;
  /** Environment of the child processes (carries the serialised config). */
  env: NodeJS.ProcessEnv;
  /** Called when a job fails for good (all attempts used or unrecoverable). */
  onFinalFailure: (job: QueuedJob, error: Error) => Promise<void>;
}

interface Pending {
  job: QueuedJob;
  attemptsMade: number;
}

/**
 * The zero-setup driver used when REDIS_URL is not set: a FIFO in the API process that runs
 * each job in a forked child (training never blocks the API's event loop), with the same
 * retry policy as the BullMQ driver (attempts, exponential backoff, unrecoverable errors).
 */
export class EmbeddedJobQueue extends JobQueue {
  readonly driver = 'embedded' as const;
  private readonly logger = new Logger(EmbeddedJobQueue.name);
  private readonly pending: Pending[] = [];
  private readonly running = new Map<string, ChildProcess>();
  /** Jobs waiting out their backoff before the next attempt. */
  private readonly delayed = new Set<string>();
  private closed = false;

  constructor(private readonly settings: EmbeddedSettings) {
    super();
  }

  /** In-process: always available. */
  async assertAvailable(): Promise<void> {}

  async parallelism(): Promise<number> {
    return this.settings.concurrency;
  }

  async add(jobs: QueuedJob[]): Promise<void> {
    for (const job of jobs) {
      if (this.holds(job.jobId)) continue;
      this.pending.push({ job, attemptsMade: 0 });
    }
    this.pump();
  }

  private holds(jobId: string): boolean {
    return this.running.has(jobId) || this.delayed.has(jobId) || this.pending.some((p) => p.job.jobId === jobId);
  }

  async missing(jobIds: string[]): Promise<string[]> {
    return jobIds.filter((id) => !this.holds(id));
  }

  async remove(jobIds: string[]): Promise<void> {
    const drop = new Set(jobIds);
    for (let i = this.pending.length - 1; i >= 0; i--)
      if (drop.has(this.pending[i].job.jobId)) this.pending.splice(i, 1);
  }

  async counts(): Promise<{ waiting: number; active: number }> {
    return { waiting: this.pending.length, active: this.running.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pending.length = 0;
    for (const child of this.running.values()) child.kill('SIGKILL');
    this.running.clear();
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.settings.concurrency && this.pending.length) {
      const next = this.pending.shift() as Pending;
      this.start(next);
    }
  }

  private start(p: Pending): void {
    const child = fork(EMBEDDED_CHILD_FILE, [], {
      env: this.settings.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.running.set(p.job.jobId, child);
    let outcome: ChildMessage | undefined;
    child.on('message', (msg: ChildMessage) => {
      if (msg.cmd === 'completed' || msg.cmd === 'failed') outcome = msg;
    });
    child.on('exit', (code, signal) => {
      this.running.delete(p.job.jobId);
      if (outcome?.cmd === 'completed') this.settled(p.job.jobId);
      else if (!this.closed) {
        const error =
          outcome?.cmd === 'failed'
            ? Object.assign(new Error(outcome.error.message), { name: outcome.error.name })
            : new Error(`training process exited (code ${code}, signal ${signal})`);
        this.retryOrFail(p, error);
      }
      this.pump();
    });
    const job: ChildJob = {
      id: p.job.jobId,
      data: p.job,
      attemptsMade: p.attemptsMade,
      opts: { attempts: this.settings.retry.attempts },
    };
    child.send({ cmd: 'start', job });
  }

  private retryOrFail(p: Pending, error: Error): void {
    const attemptsMade = p.attemptsMade + 1;
    const { retry } = this.settings;
    if (!retry.isFinal(error, attemptsMade)) {
      const delay = retry.backoffMs(attemptsMade);
      this.logger.warn(
        `job ${p.job.jobId} failed (attempt ${attemptsMade}), retrying in ${delay} ms: ${error.message}`,
      );
      this.delayed.add(p.job.jobId);
      setTimeout(() => {
        this.delayed.delete(p.job.jobId);
        if (this.closed) return;
        this.pending.push({ job: p.job, attemptsMade });
        this.pump();
      }, delay).unref();
      return;
    }
    this.settings
      .onFinalFailure(p.job, error)
      .then(() => this.settled(p.job.jobId))
      .catch((err) => this.logger.error(`could not record failure of ${p.job.jobId}: ${err.message}`));
  }
}
