import 'reflect-metadata';
import * as os from 'node:os';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { LogThrottle } from '../common/log-throttle';
import { AppConfig, loadConfig, logLevels } from '../config/app-config';
import { CONFIG_ENV } from '../config/config-handoff';
import { TRAINING_QUEUE } from '../training/jobs/bullmq.queue';
import { JobLifecycle } from '../training/jobs/job-lifecycle.service';
import { HEARTBEAT_MS } from '../training/jobs/job-reconciler.service';
import type { QueuedJob } from '../training/jobs/job.types';
import { PROCESSOR_FILE } from '../training/jobs/processor-path';
import { RetryPolicy } from '../training/jobs/retry.policy';
import { WorkerModule } from './worker.module';

/**
 * `tsflow worker`: consumes the training queue with sandboxed processors (each job in a child
 * process). Several workers, on one host or many, may share one Redis; a job whose worker
 * dies is picked up again by the stalled-job check.
 */
export async function startWorker(config: AppConfig = loadConfig()): Promise<() => Promise<void>> {
  if (!config.redisUrl) {
    throw new Error(
      'REDIS_URL is required for `tsflow worker`; without Redis, `tsflow server` runs training jobs itself.',
    );
  }
  const logger = new Logger('worker');
  process.env[CONFIG_ENV] = JSON.stringify(config); // inherited by the sandboxed processors
  const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: logLevels(config.logLevel),
  });
  const lifecycle = ctx.get(JobLifecycle);
  const retry = ctx.get(RetryPolicy);
  const connection = new IORedis(config.redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker<QueuedJob>(TRAINING_QUEUE, PROCESSOR_FILE, {
    // Recorded as each job's processedBy: which worker process ran (or abandoned) a job.
    name: `${os.hostname()}:${process.pid}`,
    connection,
    prefix: `${config.redisPrefix}:bull`,
    concurrency: config.jobs.concurrency,
    stalledInterval: config.jobs.stalledIntervalMs,
    lockDuration: config.jobs.stalledIntervalMs,
    // A stall (the worker process died) is an attempt like a failure: up to TSFLOW_JOB_ATTEMPTS
    // starts in all, the processor numbering each start (attemptsStarted).
    maxStalledCount: Math.max(0, retry.attempts - 1),
    useWorkerThreads: false,
    // Intended deployment: one training process per core. V8's parallel GC helper threads make
    // each sandbox use ~1.2 cores, so sandboxes on a full host slow each other down; with
    // single-threaded GC each stays in its core (bench:grid, 2 workers on 2 cores: ~10% less CPU
    // per candidate, ~10% more candidates per minute; a lone worker on an idle host ~10% slower).
    workerForkOptions: {
      execArgv: [...process.execArgv.filter((a) => !a.startsWith('--inspect')), '--single-threaded-gc'],
    },
  });
  // The sandbox records its own failures; this catches the attempts whose process died.
  worker.on('failed', (job, err) => {
    if (!job) return;
    const stalledOut = job.stalledCounter > 0 && /stalled more than allowable limit/.test(err.message);
    const used = Math.max(job.attemptsMade, job.attemptsStarted ?? 0); // failures and stalls
    if (!stalledOut && !retry.isFinal(err, used, job.opts.attempts ?? 1)) return;
    lifecycle
      .fail(job.data.jobId, err.message)
      .catch((e) => logger.error(`recording failure of ${job.data.jobId}: ${e.message}`));
  });
  heartbeats(worker, lifecycle);
  // While Redis is down the client fails every 0.5 s: one warning per 30 s says it all.
  const queueErrors = new LogThrottle((m) => logger.warn(m));
  worker.on('error', (err) => queueErrors.report(`queue: ${err.message}`));
  logger.log(
    `worker ${process.pid} consuming '${TRAINING_QUEUE}' (concurrency ${config.jobs.concurrency}, prefix ${config.redisPrefix})`,
  );
  return async () => {
    await worker.close();
    connection.disconnect();
    await ctx.close();
  };
}

if (require.main === module) {
  startWorker()
    .then((stop) => {
      const shutdown = () =>
        stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    })
    .catch((err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}

/**
 * While this worker holds a job (its BullMQ job still active: a Redis flush loses it), the job row
 * is touched every HEARTBEAT_MS, so the API's reconciler re-queues a job within seconds of losing
 * its worker or its queue entry, and never one a live worker still trains.
 */
function heartbeats(worker: Worker<QueuedJob>, lifecycle: JobLifecycle): void {
  const beats = new Map<string, NodeJS.Timeout>();
  const stop = (id: string | undefined) => {
    if (id === undefined) return;
    clearInterval(beats.get(id));
    beats.delete(id);
  };
  worker.on('active', (job) => {
    const id = job.id as string;
    stop(id);
    const timer = setInterval(() => {
      job
        .isActive()
        .then((held) => (held ? lifecycle.heartbeat(job.data.jobId) : stop(id)))
        .catch(() => undefined); // Redis or the database down: no beat, which is the truth
    }, HEARTBEAT_MS);
    timer.unref();
    beats.set(id, timer);
  });
  worker.on('completed', (job) => stop(job.id));
  worker.on('failed', (job) => stop(job?.id));
  worker.on('closed', () => [...beats.keys()].forEach(stop));
}
