import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { Infer } from '../common/proto/fields';
import { DatasetSpec, PriceDataService } from './data/price-data.service';
import { SeriesDatasetsService } from './data/series-datasets.service';
import { TrainingRunReq } from './dtos/training.dto';
import { JobSubmission } from './job-submission.service';
import { JobLifecycle } from './jobs/job-lifecycle.service';
import { JobQueue } from './jobs/job-queue';
import { RunJob } from './jobs/job.types';
import { TrainingJobsStore } from './jobs/training-jobs.store';
import { checkedSeriesParams } from './series-request';
import { checkedParams, datasetSpec, paramsObject, trainabilityCheck } from './training-request';
import type { TrainingSpec } from './training.types';

export type TrainingRunRequest = Infer<typeof TrainingRunReq>;

/** Single training runs: validated at submission, queued like any job, tracked as one MLflow run. */
@Injectable()
export class TrainingRunsService {
  constructor(
    private readonly submission: JobSubmission,
    private readonly data: PriceDataService,
    private readonly seriesData: SeriesDatasetsService,
    private readonly jobs: TrainingJobsStore,
    private readonly lifecycle: JobLifecycle,
    @Inject(JobQueue) private readonly queue: JobQueue,
  ) {}

  async submit(req: TrainingRunRequest): Promise<{ job_id: string; run_id: string }> {
    const cleaning = req.cleaning ?? 'ffill';
    const dataset = datasetSpec(req.dataset);
    const spec = dataset.name ? await this.seriesSpec(req, dataset) : await this.priceSpec(req, dataset);
    await this.queue.assertAvailable(); // 503 before anything is created
    const experimentId = await this.submission.experimentId(req.experiment_name);
    const jobId = `run-${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const runId = await this.lifecycle.createRun(experimentId, req.run_name, [{ key: 'tsflow.job_id', value: jobId }]);
    const job = {
      jobId,
      kind: 'run' as const,
      spec: { ...spec, experimentId, cleaning, runName: req.run_name },
      runId,
    };
    await this.lifecycle.schedule(this.queue, [job], [{ jobId, kind: 'run' }]);
    return { job_id: jobId, run_id: runId };
  }

  private async priceSpec(
    req: TrainingRunRequest,
    dataset: DatasetSpec,
  ): Promise<Pick<TrainingSpec, 'dataset' | 'params'>> {
    const params = checkedParams(paramsObject(req.params));
    const cleaning = req.cleaning ?? 'ffill';
    const data = await this.data.load(dataset);
    const exo = await this.data.loadExogenous(dataset, params.exogenous, cleaning);
    trainabilityCheck(data, cleaning, exo)(params);
    return { dataset, params };
  }

  /** A series dataset: its params checked against the data (family, horizon vs validation part, series lengths). */
  private async seriesSpec(
    req: TrainingRunRequest,
    dataset: DatasetSpec,
  ): Promise<Pick<TrainingSpec, 'dataset' | 'params' | 'series'>> {
    const loaded = await this.seriesData.load(dataset.name as string);
    const [series] = await checkedSeriesParams(loaded, [{ raw: paramsObject(req.params), label: 'params' }]);
    return { dataset, params: checkedParams({}), series };
  }

  async get(jobId: string): Promise<RunJob> {
    const job = await this.jobs.get(jobId);
    if (!job || job.kind !== 'run') throw MlflowError.notFound(`Training job '${jobId}' not found`);
    return job;
  }

  /** Queued: dropped at once. Running: stops at the next epoch boundary, its run marked KILLED. */
  async cancel(jobId: string): Promise<RunJob> {
    await this.lifecycle.cancel(this.queue, [await this.get(jobId)], 'cancelled by user');
    return this.get(jobId);
  }
}
