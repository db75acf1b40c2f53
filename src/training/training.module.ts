import { Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { envWithConfig } from '../config/config-handoff';
import { ExperimentsModule } from '../experiments/experiments.module';
import { DatasetsController } from './controllers/datasets.controller';
import { GridSearchesController } from './controllers/grid-searches.controller';
import { TrainingRunsController } from './controllers/training-runs.controller';
import { TrainingExecutionModule } from './execution/training-execution.module';
import { BayesianScheduler } from './bayesian.scheduler';
import { GridSearchService } from './grid-search.service';
import { JobSubmission } from './job-submission.service';
import { BullmqJobQueue } from './jobs/bullmq.queue';
import { EmbeddedJobQueue } from './jobs/embedded.queue';
import { JobLifecycle } from './jobs/job-lifecycle.service';
import { JobQueue } from './jobs/job-queue';
import { JobReconciler } from './jobs/job-reconciler.service';
import { RetryPolicy } from './jobs/retry.policy';
import { SearchDriver } from './jobs/search-driver';
import { TrainingMetrics } from './training.metrics';
import { TrainingRunsService } from './training-runs.service';

/** BullMQ when REDIS_URL is set (workers elsewhere), else the embedded driver (child processes of the API). */
function jobQueue(config: AppConfig, lifecycle: JobLifecycle, retry: RetryPolicy): JobQueue {
  const logger = new Logger('TrainingModule');
  if (config.redisUrl) {
    logger.log(`training jobs go to BullMQ (prefix ${config.redisPrefix}); start workers with \`tsflow worker\``);
    return new BullmqJobQueue({ redisUrl: config.redisUrl, prefix: config.redisPrefix, retry });
  }
  logger.log(`training jobs run in-process (embedded driver, concurrency ${config.jobs.concurrency})`);
  return new EmbeddedJobQueue({
    concurrency: config.jobs.concurrency,
    retry,
    env: envWithConfig(config),
    // A child that died on its last attempt could not record it: the API does.
    onFinalFailure: (job, err) => lifecycle.fail(job.jobId, err.message),
  });
}

/** Training REST API: single runs and grid searches, queued to workers, and the queue itself. */
@Module({
  imports: [ExperimentsModule, TrainingExecutionModule],
  controllers: [TrainingRunsController, GridSearchesController, DatasetsController],
  providers: [
    { provide: JobQueue, useFactory: jobQueue, inject: [APP_CONFIG, JobLifecycle, RetryPolicy] },
    JobSubmission,
    TrainingRunsService,
    GridSearchService,
    BayesianScheduler,
    { provide: SearchDriver, useExisting: BayesianScheduler },
    JobReconciler,
    TrainingMetrics,
  ],
  exports: [JobQueue, JobSubmission, GridSearchService, TrainingRunsService],
})
export class TrainingModule implements OnApplicationShutdown {
  constructor(@Inject(JobQueue) private readonly queue: JobQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
