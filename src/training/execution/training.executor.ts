import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { MlflowError } from '../../common/mlflow-error';
import { RunsService } from '../../experiments/runs.service';
import { cleanBars, DataSourceError, EpochLog, TrainingInputError, trainForecaster, TrainResult } from '../core';
import { PriceDataService } from '../data/price-data.service';
import type { JobRecord, QueuedJob } from '../jobs/job.types';
import { TrainingJobsStore } from '../jobs/training-jobs.store';
import type { TrainingSpec } from '../training.types';
import { GridFinalizer } from './grid.finalizer';
import { RunLogger } from './run.logger';

export interface Attempt {
  /** 1-based attempt number. */
  number: number;
  max: number;
  progress: (value: number) => Promise<void> | void;
}

/** Bad input (data, params) fails at once; everything else may be transient and is retried. */
export function isPermanent(err: unknown): boolean {
  if (err instanceof DataSourceError) return !err.transient;
  if (err instanceof MlflowError) return err.status < 500;
  return err instanceof TrainingInputError;
}

/**
 * Runs one trainable job (a single run or a grid candidate) end to end: a fresh MLflow run per
 * attempt (an earlier attempt's run, abandoned by a killed worker, is marked FAILED), data
 * loading and cleaning, training with per-epoch metrics and progress, cancellation at epoch
 * boundaries (KILLED), and the final metrics, plots and model artifact.
 */
@Injectable()
export class TrainingExecutor {
  private readonly logger = new Logger(TrainingExecutor.name);

  constructor(
    private readonly jobs: TrainingJobsStore,
    private readonly runs: RunsService,
    private readonly data: PriceDataService,
    private readonly runLogger: RunLogger,
    private readonly grids: GridFinalizer,
  ) {}

  async execute(queued: QueuedJob, attempt: Attempt): Promise<Record<string, unknown>> {
    const job = await this.jobs.get(queued.jobId);
    if (!job) throw new UnrecoverableError(`unknown training job ${queued.jobId}`);
    if (job.state === 'completed' || job.state === 'cancelled') {
      // A retry of a job whose worker died after finishing it: finish what it may have left undone.
      if (job.parentId) await this.grids.candidateFinished(job.parentId, job.jobId);
      return { skipped: job.state };
    }
    const spec = job.spec as unknown as TrainingSpec;
    const runId = await this.createRun(job, spec, attempt.number);
    if (
      !(await this.jobs.transition(job.jobId, ['queued', 'running', 'failed'], 'running', {
        runId,
        attempts: attempt.number,
        progress: 0,
        error: null,
      }))
    ) {
      await this.runs.update(runId, { status: 'KILLED', endTime: Date.now() });
      return { skipped: 'cancelled' };
    }
    if (job.parentId) await this.jobs.transition(job.parentId, ['queued'], 'running');
    try {
      const result = await this.train(job, spec, runId, attempt);
      return await this.complete(job, runId, result);
    } catch (err) {
      await this.runs.update(runId, { status: 'FAILED', endTime: Date.now() }).catch(() => undefined);
      const permanent = isPermanent(err);
      const message = (err as Error)?.message ?? String(err);
      if (permanent || attempt.number >= attempt.max) await this.fail(job.jobId, message);
      else await this.jobs.update(job.jobId, { error: `attempt ${attempt.number} failed: ${message}` });
      this.logger.warn(`job ${job.jobId} attempt ${attempt.number}/${attempt.max} failed: ${message}`);
      throw permanent ? new UnrecoverableError(message) : err;
    }
  }

  /** Records a final failure (also used when a worker process dies on the last attempt). */
  async fail(jobId: string, message: string): Promise<void> {
    const job = await this.jobs.get(jobId);
    if (!job) return;
    await this.abandonPreviousRun(job);
    if (await this.jobs.transition(jobId, ['queued', 'running'], 'failed', { error: message })) {
      if (job.parentId) await this.grids.candidateFinished(job.parentId, job.jobId);
    }
  }

  private async abandonPreviousRun(job: JobRecord): Promise<void> {
    if (!job.runId) return;
    const info = await this.runs.getInfo(job.runId).catch(() => undefined);
    if (info && (info.status === 'RUNNING' || info.status === 'SCHEDULED')) {
      this.logger.warn(`run ${job.runId} of job ${job.jobId} was abandoned by an earlier attempt: marking it FAILED`);
      await this.runs.update(job.runId, { status: 'FAILED', endTime: Date.now() });
    }
  }

  private async createRun(job: JobRecord, spec: TrainingSpec, attempt: number): Promise<string> {
    if (job.runId && attempt === 1 && job.state === 'queued') {
      // The run created at submission (status SCHEDULED) is used by the first attempt.
      await this.runs.update(job.runId, { status: 'RUNNING' });
      return job.runId;
    }
    await this.abandonPreviousRun(job);
    const tags = [
      { key: 'mlflow.user', value: 'tsflow' },
      { key: 'mlflow.source.name', value: 'tsflow-training' },
      { key: 'mlflow.source.type', value: 'JOB' },
      { key: 'tsflow.job_id', value: job.jobId },
      ...(spec.parentRunId ? [{ key: 'mlflow.parentRunId', value: spec.parentRunId }] : []),
      ...(job.runId ? [{ key: 'tsflow.retry_of', value: job.runId }] : []),
    ];
    const run = await this.runs.create({
      experimentId: spec.experimentId,
      userId: 'tsflow',
      runName: spec.runName,
      tags,
    });
    return run.info.runId;
  }

  private async train(job: JobRecord, spec: TrainingSpec, runId: string, attempt: Attempt): Promise<TrainResult> {
    const dataset = await this.data.load(spec.dataset);
    const cleaned = cleanBars(dataset.bars, { strategy: spec.cleaning });
    await this.runLogger.start(runId, spec, dataset, cleaned.report);
    let cancelled = false;
    const onEpoch = async (log: EpochLog) => {
      await this.runLogger.epoch(runId, log.epoch, log.loss, log.val_loss);
      const progress = Math.min(0.99, log.epoch / spec.params.epochs);
      await this.jobs.update(job.jobId, { progress });
      await attempt.progress(progress);
      cancelled = (await this.jobs.get(job.jobId))?.state === 'cancelled';
      return cancelled;
    };
    return trainForecaster({ bars: cleaned.bars, params: spec.params, onEpoch, shouldStop: () => cancelled });
  }

  private async complete(job: JobRecord, runId: string, result: TrainResult): Promise<Record<string, unknown>> {
    try {
      if (result.cancelled) {
        await this.runs.update(runId, { status: 'KILLED', endTime: Date.now() });
        if (job.parentId) await this.grids.candidateFinished(job.parentId, job.jobId);
        return { cancelled: true, run_id: runId };
      }
      await this.runLogger.finish(runId, result);
      await this.runs.update(runId, { status: 'FINISHED', endTime: Date.now() });
    } finally {
      result.model.dispose();
    }
    const outcome = { run_id: runId, metrics: result.metrics, backend: result.backend, best_epoch: result.bestEpoch };
    await this.jobs.transition(job.jobId, ['running'], 'completed', { progress: 1, result: outcome });
    if (job.parentId) await this.grids.candidateFinished(job.parentId, job.jobId);
    return outcome;
  }
}
