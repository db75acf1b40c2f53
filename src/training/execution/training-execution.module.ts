import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ExperimentsModule } from '../../experiments/experiments.module';
import { LoggedModelsModule } from '../../experiments/logged-models/logged-models.module';
import { LoggedModelsService } from '../../experiments/logged-models/logged-models.service';
import { RunInputsService } from '../../experiments/run-inputs.service';
import { RunsService } from '../../experiments/runs.service';
import { RegistryModule } from '../../registry/registry.module';
import { ArtifactRepositoryResolver } from '../../storage/artifact-repository.resolver';
import { ArtifactTransfer } from '../../storage/artifact.transfer';
import { StorageModule } from '../../storage/storage.module';
import { PriceDataModule } from '../data/price-data.module';
import { GridCloser } from '../jobs/grid-closer';
import { JobLifecycle } from '../jobs/job-lifecycle.service';
import { RetryPolicy } from '../jobs/retry.policy';
import { SqlTrainingJobsStore } from '../jobs/sql-training-jobs.store';
import { TrainingJobsStore } from '../jobs/training-jobs.store';
import { GridFinalizer } from './grid.finalizer';
import { HalvingPruner } from './halving.pruner';
import { RunLogger } from './run.logger';
import { SeriesRunLogger } from './series-run.logger';
import { SeriesExecutor } from './series.executor';
import { TrainingExecutor } from './training.executor';

/**
 * What runs training jobs, in the API (embedded driver, finalising grids, recording failures)
 * and in worker processes alike: job records and their lifecycle, the retry policy, the
 * executor that turns a job into a tracked MLflow run, and the grid finalizer. No queue (the
 * API's TrainingModule owns it) and no HTTP.
 */
@Module({
  imports: [ExperimentsModule, StorageModule, RegistryModule, PriceDataModule, LoggedModelsModule],
  providers: [
    { provide: TrainingJobsStore, useClass: SqlTrainingJobsStore },
    { provide: RetryPolicy, useFactory: (c: AppConfig) => new RetryPolicy(c.jobs.attempts), inject: [APP_CONFIG] },
    {
      provide: ArtifactTransfer,
      useFactory: (r: ArtifactRepositoryResolver) => new ArtifactTransfer(r),
      inject: [ArtifactRepositoryResolver],
    },
    {
      provide: RunLogger,
      useFactory: (
        runs: RunsService,
        inputs: RunInputsService,
        transfer: ArtifactTransfer,
        models: LoggedModelsService,
      ) => new RunLogger(runs, inputs, transfer, models),
      inject: [RunsService, RunInputsService, ArtifactTransfer, LoggedModelsService],
    },
    {
      provide: SeriesRunLogger,
      useFactory: (runs: RunsService, inputs: RunInputsService, transfer: ArtifactTransfer, logger: RunLogger) =>
        new SeriesRunLogger(runs, inputs, transfer, logger),
      inject: [RunsService, RunInputsService, ArtifactTransfer, RunLogger],
    },
    SeriesExecutor,
    { provide: GridCloser, useClass: GridFinalizer },
    JobLifecycle,
    HalvingPruner,
    TrainingExecutor,
  ],
  exports: [PriceDataModule, TrainingJobsStore, RetryPolicy, JobLifecycle, TrainingExecutor],
})
export class TrainingExecutionModule {}
