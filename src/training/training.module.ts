import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { DatasetsController } from './controllers/datasets.controller';
import { GridSearchesController } from './controllers/grid-searches.controller';
import { TrainingRunsController } from './controllers/training-runs.controller';
import { TrainingExecutor } from './execution/training.executor';
import { GridSearchService } from './grid-search.service';
import { JobSubmission } from './job-submission.service';
import { BullmqJobQueue } from './jobs/bullmq.queue';
import { EmbeddedJobQueue } from './jobs/embedded.queue';
import { JobQueue } from './jobs/job-queue';
import { envWithConfig } from './jobs/processor/worker-context';
import { TrainingJobsStore } from './jobs/training-jobs.store';
import { TrainingCoreModule } from './training-core.module';
import { TrainingRunsService } from './training-runs.service';
import { UploadedDatasetsService } from './data/uploaded-datasets.service';

/** BullMQ when REDIS_URL is set (workers elsewhere), else the embedded driver (child processes of the API). */
function jobQueue(config: AppConfig, executor: TrainingExecutor): JobQueue {
  const logger = new Logger('TrainingModule');
  if (config.redisUrl) {
    logger.log(`training jobs go to BullMQ (prefix ${config.redisPrefix}); start workers with \`tsflow worker\``);
    return new BullmqJobQueue({
      redisUrl: config.redisUrl,
      prefix: config.redisPrefix,
      attempts: config.jobs.attempts,
    });
  }
  logger.log(`training jobs run in-process (embedded driver, concurrency ${config.jobs.concurrency})`);
  return new EmbeddedJobQueue({
    concurrency: config.jobs.concurrency,
    attempts: config.jobs.attempts,
    env: envWithConfig(config),
    onFinalFailure: (job, err) => executor.fail(job.jobId, err.message),
  });
}

/** Training REST API: single runs and grid searches, queued to workers. */
@Module({
  imports: [ExperimentsModule, TrainingCoreModule],
  controllers: [TrainingRunsController, GridSearchesController, DatasetsController],
  providers: [
    { provide: JobQueue, useFactory: jobQueue, inject: [APP_CONFIG, TrainingExecutor] },
    JobSubmission,
    UploadedDatasetsService,
    TrainingRunsService,
    GridSearchService,
  ],
  exports: [JobQueue],
})
export class TrainingModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TrainingModule.name);

  constructor(
    @Inject(JobQueue) private readonly queue: JobQueue,
    private readonly jobs: TrainingJobsStore,
  ) {}

  /**
   * Puts back into the queue what the database says is pending: jobs of an embedded driver
   * that died with its process, or BullMQ jobs lost with a Redis that kept nothing on disk.
   * Ids are deterministic, so BullMQ ignores jobs it still has. An embedded job counts as lost
   * once it has made no progress for two minutes (another process may still be running it).
   */
  async onApplicationBootstrap(): Promise<void> {
    const stale = Date.now() - 120_000;
    const lost = (await this.jobs.pending()).filter(
      (j) => this.queue.driver === 'bullmq' || j.state === 'queued' || j.updatedAt < stale,
    );
    if (lost.length === 0) return;
    try {
      await this.queue.add(lost.map((j) => ({ jobId: j.jobId, kind: j.kind as 'run' | 'candidate' })));
      this.logger.log(`re-queued ${lost.length} pending training job(s) from the database`);
    } catch (err) {
      this.logger.warn(`could not re-queue pending training jobs: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
