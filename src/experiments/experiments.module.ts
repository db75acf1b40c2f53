import { Module } from '@nestjs/common';
import { Db } from '../database/db';
import { CompareController } from './controllers/compare.controller';
import { ExperimentsController } from './controllers/experiments.controller';
import { MetricsController } from './controllers/metrics.controller';
import { RunsController } from './controllers/runs.controller';
import { SampledHistoryController } from './controllers/sampled-history.controller';
import { SampledHistoryService } from './history/sampled-history.service';
import { UiTrackingController } from './controllers/ui-tracking.controller';
import { CompareService } from './compare.service';
import { ExperimentsService } from './experiments.service';
import { RunInputsService } from './run-inputs.service';
import { RunsService } from './runs.service';
import { SqlTrackingStore } from './store/sql-tracking.store';
import { TrackingStore } from './tracking.store';
import { UiTrackingService } from './ui-tracking.service';

/** MLflow tracking: experiments, runs, params, metrics, tags, dataset inputs, search. */
@Module({
  controllers: [
    ExperimentsController,
    RunsController,
    MetricsController,
    CompareController,
    UiTrackingController,
    SampledHistoryController,
  ],
  providers: [
    ExperimentsService,
    RunsService,
    RunInputsService,
    CompareService,
    UiTrackingService,
    SampledHistoryService,
    { provide: TrackingStore, useFactory: (db: Db) => new SqlTrackingStore(db), inject: [Db] },
  ],
  exports: [TrackingStore, ExperimentsService, RunsService, RunInputsService, UiTrackingService],
})
export class ExperimentsModule {}
