import { Injectable } from '@nestjs/common';
import { cleanBars, EpochLog, storedParams, trainForecaster, TrainResult } from '../core';
import { describeDecision, RungDecision } from '../core/search/halving';
import { PriceDataService } from '../data/price-data.service';
import { Attempt, JobLifecycle } from '../jobs/job-lifecycle.service';
import type { QueuedJob, RunResult, TrainableJob } from '../jobs/job.types';
import { HalvingPruner } from './halving.pruner';
import { RunLogger } from './run.logger';
import { SeriesExecutor } from './series.executor';

export type { Attempt } from '../jobs/job-lifecycle.service';

/** What the processor returns to its queue (BullMQ keeps it as the job's return value). */
export type ExecutionOutcome =
  RunResult | { skipped: 'completed' | 'cancelled' | 'pruned' } | { cancelled: true; run_id: string };

/** How training ended when it did not run its course. */
interface Stop {
  cancelled: boolean;
  pruned: RungDecision | null;
}

/**
 * Runs one trainable job (a single run or a grid candidate) end to end: data loading and
 * cleaning, training with per-epoch metrics and progress, cancellation and successive-halving
 * stops at epoch boundaries, and the final metrics, plots and model artifact. Every state
 * change (and the run status that goes with it) is the job lifecycle's.
 */
@Injectable()
export class TrainingExecutor {
  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly data: PriceDataService,
    private readonly runLogger: RunLogger,
    private readonly pruner: HalvingPruner,
    private readonly series: SeriesExecutor,
  ) {}

  async execute(queued: QueuedJob, attempt: Attempt): Promise<ExecutionOutcome> {
    const started = await this.lifecycle.startAttempt(queued.jobId, attempt);
    if ('skipped' in started) return started;
    const { job, runId } = started;
    if (job.spec.series) return this.series.execute(job, runId, attempt);
    try {
      const stop: Stop = { cancelled: false, pruned: null };
      return await this.finish(job, runId, await this.train(job, runId, attempt, stop), stop);
    } catch (err) {
      throw await this.lifecycle.attemptFailed(job, runId, err, attempt);
    }
  }

  private async train(job: TrainableJob, runId: string, attempt: Attempt, stop: Stop): Promise<TrainResult> {
    const spec = job.spec;
    const dataset = await this.data.load(spec.dataset);
    const cleaned = cleanBars(dataset.bars, { strategy: spec.cleaning });
    await this.runLogger.start(runId, spec, dataset, cleaned.report);
    const history: EpochLog[] = [];
    const onEpoch = async (log: EpochLog) => {
      history.push(log);
      await this.runLogger.epoch(runId, log.epoch, log.loss, log.val_loss);
      const progress = Math.min(0.99, log.epoch / spec.params.epochs);
      stop.cancelled = await this.lifecycle.progress(job, progress);
      await attempt.progress(progress);
      if (!stop.cancelled && job.kind === 'candidate') {
        const decision = await this.pruner.atEpoch(job, runId, history);
        if (decision && !decision.promote) stop.pruned = decision;
      }
      return stop.cancelled || stop.pruned !== null;
    };
    const params = storedParams(spec.params);
    const exogenous = await this.data.loadExogenous(spec.dataset, params.exogenous, spec.cleaning);
    return trainForecaster({
      bars: cleaned.bars,
      params,
      exogenous,
      onEpoch,
      shouldStop: () => stop.cancelled,
    });
  }

  private async finish(job: TrainableJob, runId: string, result: TrainResult, stop: Stop): Promise<ExecutionOutcome> {
    const outcome: RunResult = {
      run_id: runId,
      metrics: { ...result.metrics },
      backend: result.backend,
      best_epoch: result.bestEpoch,
    };
    try {
      if (stop.cancelled) {
        await this.lifecycle.stopped(job, runId);
        return { cancelled: true, run_id: runId };
      }
      if (stop.pruned) {
        // Stopped by the search: metrics of its best epoch are recorded, no model is kept.
        const reason = describeDecision(stop.pruned, job.spec.halving?.eta ?? 0);
        await this.runLogger.pruned(runId, job, result, reason);
        const pruned = { ...outcome, pruned: { ...stop.pruned, reason } };
        await this.lifecycle.pruned(job, runId, pruned);
        return pruned;
      }
      await this.runLogger.finish(runId, result);
    } finally {
      result.model.dispose();
    }
    await this.lifecycle.complete(job, runId, outcome);
    return outcome;
  }
}
