import { Injectable } from '@nestjs/common';
import { RunsService } from '../../experiments/runs.service';
import type { EpochLog } from '../core';
import { decideRung, RungDecision, rungEpochs, rungValue } from '../core/search/halving';
import type { CandidateJob } from '../jobs/job.types';
import { TrainingJobsStore } from '../jobs/training-jobs.store';

/** Logged on a candidate's run at each rung epoch (step = the epoch): what the rung compares. */
export const RUNG_METRIC = 'rung_val_loss';
const BULK_RUNS = 100;

/**
 * Successive halving, asynchronously (ASHA-style) across queue workers and processes: at a
 * rung epoch a candidate records its rung value on its run, then compares it with the values
 * its siblings recorded at the same rung (read back from tracking, so any process sees them)
 * and goes on only when it is among the best 1/eta (see decideRung). Only validation loss is
 * compared: the test split never takes part in the search.
 */
@Injectable()
export class HalvingPruner {
  constructor(
    private readonly jobs: TrainingJobsStore,
    private readonly runs: RunsService,
  ) {}

  /** After an epoch: the rung decision when this epoch is a rung of the candidate's search, else null. */
  async atEpoch(job: CandidateJob, runId: string, history: readonly EpochLog[]): Promise<RungDecision | null> {
    const config = job.spec.halving;
    const epoch = history[history.length - 1]?.epoch;
    if (!config || epoch === undefined) return null;
    const rung = rungEpochs(config, job.spec.params.epochs).indexOf(epoch);
    if (rung < 0) return null;
    const value = rungValue(history, epoch);
    await this.runs.logBatch(runId, {
      metrics: [{ key: RUNG_METRIC, value: Number.isFinite(value) ? value : NaN, timestamp: Date.now(), step: epoch }],
    });
    return decideRung(config, rung, epoch, value, await this.siblingValues(job, epoch));
  }

  /** The rung values of the other candidates (their current attempt's run) that reached this rung. */
  private async siblingValues(job: CandidateJob, epoch: number): Promise<number[]> {
    const runIds = (await this.jobs.children(job.parentId))
      .filter((c) => c.jobId !== job.jobId && c.runId)
      .map((c) => c.runId as string);
    const values: number[] = [];
    for (let i = 0; i < runIds.length; i += BULK_RUNS) {
      const points = await this.runs.metricHistoryBulkInterval({
        runIds: runIds.slice(i, i + BULK_RUNS),
        key: RUNG_METRIC,
        startStep: epoch,
        endStep: epoch,
      });
      const byRun = new Map(points.map((p) => [p.runId, p.value]));
      values.push(...byRun.values());
    }
    return values;
  }
}
