import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { trainSeriesModel } from '../core';
import { SeriesDatasetsService } from '../data/series-datasets.service';
import { Attempt, JobLifecycle } from '../jobs/job-lifecycle.service';
import type { RunResult, TrainableJob } from '../jobs/job.types';
import { SeriesRunLogger } from './series-run.logger';

/**
 * Runs one job on a series dataset (a single run or a search candidate): loads the dataset,
 * fits and scores the family (progress and cancellation through the job lifecycle), logs
 * params, dataset input, metrics and the model directory. The lifecycle owns every state change.
 */
@Injectable()
export class SeriesExecutor {
  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly data: SeriesDatasetsService,
    private readonly runLogger: SeriesRunLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(
    job: TrainableJob,
    runId: string,
    attempt: Attempt,
  ): Promise<RunResult | { cancelled: true; run_id: string }> {
    const params = job.spec.series!;
    let cancelled = false;
    let result;
    try {
      const loaded = await this.data.load(job.spec.dataset.name as string);
      await this.runLogger.start(runId, job.spec, params, loaded);
      result = await trainSeriesModel({
        dataset: loaded.dataset,
        params,
        threads: this.config.jobs.trainThreads,
        shouldStop: () => cancelled,
        onProgress: async (fraction) => {
          const progress = Math.min(0.99, fraction);
          cancelled = (await this.lifecycle.progress(job, progress)) || cancelled;
          await attempt.progress(progress);
        },
      });
      if (result.cancelled || cancelled) {
        await this.lifecycle.stopped(job, runId);
        return { cancelled: true, run_id: runId };
      }
      await this.runLogger.finish(runId, params, loaded, result);
    } catch (err) {
      throw await this.lifecycle.attemptFailed(job, runId, err, attempt);
    } finally {
      result?.model.dispose?.();
    }
    const outcome: RunResult = {
      run_id: runId,
      metrics: result.metrics,
      backend: `tsflow-${params.model}`,
      best_epoch: 0,
    };
    await this.lifecycle.complete(job, runId, outcome);
    return outcome;
  }
}
