import { Injectable } from '@nestjs/common';
import { cleanBars, EpochLog, storedParams, trainForecaster, TrainResult } from '../core';
import { PriceDataService } from '../data/price-data.service';
import { Attempt, JobLifecycle } from '../jobs/job-lifecycle.service';
import type { QueuedJob, RunResult, TrainableJob } from '../jobs/job.types';
import { RunLogger } from './run.logger';

export type { Attempt } from '../jobs/job-lifecycle.service';

/** What the processor returns to its queue (BullMQ keeps it as the job's return value). */
export type ExecutionOutcome = RunResult | { skipped: 'completed' | 'cancelled' } | { cancelled: true; run_id: string };

/**
 * Runs one trainable job (a single run or a grid candidate) end to end: data loading and
 * cleaning, training with per-epoch metrics and progress, cancellation at epoch boundaries,
 * and the final metrics, plots and model artifact. Every state change (and the run status that
 * goes with it) is the job lifecycle's.
 */
@Injectable()
export class TrainingExecutor {
  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly data: PriceDataService,
    private readonly runLogger: RunLogger,
  ) {}

  async execute(queued: QueuedJob, attempt: Attempt): Promise<ExecutionOutcome> {
    const started = await this.lifecycle.startAttempt(queued.jobId, attempt);
    if ('skipped' in started) return started;
    const { job, runId } = started;
    try {
      return await this.finish(job, runId, await this.train(job, runId, attempt));
    } catch (err) {
      throw await this.lifecycle.attemptFailed(job, runId, err, attempt);
    }
  }

  private async train(job: TrainableJob, runId: string, attempt: Attempt): Promise<TrainResult> {
    const spec = job.spec;
    const dataset = await this.data.load(spec.dataset);
    const cleaned = cleanBars(dataset.bars, { strategy: spec.cleaning });
    await this.runLogger.start(runId, spec, dataset, cleaned.report);
    let cancelled = false;
    const onEpoch = async (log: EpochLog) => {
      await this.runLogger.epoch(runId, log.epoch, log.loss, log.val_loss);
      const progress = Math.min(0.99, log.epoch / spec.params.epochs);
      cancelled = await this.lifecycle.progress(job, progress);
      await attempt.progress(progress);
      return cancelled;
    };
    const params = storedParams(spec.params);
    const exogenous = await this.data.loadExogenous(spec.dataset, params.exogenous, spec.cleaning);
    return trainForecaster({
      bars: cleaned.bars,
      params,
      exogenous,
      onEpoch,
      shouldStop: () => cancelled,
    });
  }

  private async finish(job: TrainableJob, runId: string, result: TrainResult): Promise<ExecutionOutcome> {
    try {
      if (result.cancelled) {
        await this.lifecycle.stopped(job, runId);
        return { cancelled: true, run_id: runId };
      }
      await this.runLogger.finish(runId, result);
    } finally {
      result.model.dispose();
    }
    const outcome = {
      run_id: runId,
      metrics: { ...result.metrics },
      backend: result.backend,
      best_epoch: result.bestEpoch,
    };
    await this.lifecycle.complete(job, runId, outcome);
    return outcome;
  }
}
