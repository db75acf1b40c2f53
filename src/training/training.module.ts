import { Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { GridSearchesController } from './controllers/grid-searches.controller';
import { TrainingRunsController } from './controllers/training-runs.controller';
import { TrainingExecutor } from './execution/training.executor';
import { GridSearchService } from './grid-search.service';
import { JobSubmission } from './job-submission.service';
import { BullmqJobQueue } from './jobs/bullmq.queue';
import { EmbeddedJobQueue } from './jobs/embedded.queue';
import { JobQueue } from './jobs/job-queue';
import { envWithConfig } from './jobs/processor/worker-context';
import { TrainingCoreModule } from './training-core.module';
import { TrainingRunsService } from './training-runs.service';

/** BullMQ when REDIS_URL is set (workers elsewhere), else the embedded driver (child processes of the API). */
function jobQueue(config: AppConfig, executor: TrainingExecutor): JobQueue {
  const logger = new Logger('TrainingModule');
  if (config.redisUrl) {
    logger.log(`training jobs go to BullMQ (prefix ${config.redisPrefix}); start workers with \`tsflow worker\``);
    return new BullmqJobQueue({ redisUrl: config.redisUrl, prefix: config.redisPrefix, attempts: config.jobs.attempts });
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
  controllers: [TrainingRunsController, GridSearchesController],
  providers: [
    { provide: JobQueue, useFactory: jobQueue, inject: [APP_CONFIG, TrainingExecutor] },
    JobSubmission,
    TrainingRunsService,
    GridSearchService,
  ],
  exports: [JobQueue],
})
export class TrainingModule implements OnApplicationShutdown {
  constructor(@Inject(JobQueue) private readonly queue: JobQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
