import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { RunInputsService } from '../experiments/run-inputs.service';
import { RunsService } from '../experiments/runs.service';
import { RegistryModule } from '../registry/registry.module';
import { ArtifactRepositoryResolver } from '../storage/artifact-repository.resolver';
import { ArtifactTransfer } from '../storage/artifact.transfer';
import { StorageModule } from '../storage/storage.module';
import { PriceCacheStore } from './data/price-cache.store';
import { PriceDataService } from './data/price-data.service';
import { GridFinalizer } from './execution/grid.finalizer';
import { RunLogger } from './execution/run.logger';
import { TrainingExecutor } from './execution/training.executor';
import { SqlTrainingJobsStore } from './jobs/sql-training-jobs.store';
import { TrainingJobsStore } from './jobs/training-jobs.store';

/**
 * What both the API and the workers need to run training: price data, job records and the
 * executor that turns a job into a tracked MLflow run.
 */
@Module({
  imports: [ExperimentsModule, StorageModule, RegistryModule],
  providers: [
    PriceCacheStore,
    PriceDataService,
    { provide: TrainingJobsStore, useClass: SqlTrainingJobsStore },
    {
      provide: ArtifactTransfer,
      useFactory: (r: ArtifactRepositoryResolver) => new ArtifactTransfer(r),
      inject: [ArtifactRepositoryResolver],
    },
    {
      provide: RunLogger,
      useFactory: (runs: RunsService, inputs: RunInputsService, transfer: ArtifactTransfer) =>
        new RunLogger(runs, inputs, transfer),
      inject: [RunsService, RunInputsService, ArtifactTransfer],
    },
    GridFinalizer,
    TrainingExecutor,
  ],
  exports: [PriceDataService, PriceCacheStore, TrainingJobsStore, ArtifactTransfer, GridFinalizer, TrainingExecutor],
})
export class TrainingCoreModule {}
