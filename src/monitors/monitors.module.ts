import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { RegistryModule } from '../registry/registry.module';
import { ServingModule } from '../serving/serving.module';
import { ArtifactRepositoryResolver } from '../storage/artifact-repository.resolver';
import { ArtifactTransfer } from '../storage/artifact.transfer';
import { StorageModule } from '../storage/storage.module';
import { PriceDataModule } from '../training/data/price-data.module';
import { TrainingModule } from '../training/training.module';
import { MonitorCheckService } from './check/monitor-check.service';
import { SeriesMonitorCheck } from './check/series-check';
import { MonitorsController } from './controllers/monitors.controller';
import { MonitorsMetrics } from './monitors.metrics';
import { MonitorsService } from './monitors.service';
import { MonitorsStore } from './monitors.store';
import { BullmqMonitorScheduler } from './schedule/bullmq.scheduler';
import { InProcessMonitorScheduler } from './schedule/in-process.scheduler';
import { MonitorScheduler } from './schedule/monitor-scheduler';
import { SqlMonitorsStore } from './store/sql-monitors.store';

function scheduler(config: AppConfig): MonitorScheduler {
  const logger = new Logger('MonitorsModule');
  if (config.redisUrl) {
    logger.log('monitor schedules are BullMQ job schedulers (one check per tick across replicas)');
    return new BullmqMonitorScheduler({ redisUrl: config.redisUrl, prefix: config.redisPrefix });
  }
  return new InProcessMonitorScheduler();
}

/** Monitors of champions: REST, store, checks and the scheduler that fires them. */
@Module({
  imports: [ExperimentsModule, RegistryModule, StorageModule, PriceDataModule, ServingModule, TrainingModule],
  controllers: [MonitorsController],
  providers: [
    { provide: MonitorsStore, useClass: SqlMonitorsStore },
    { provide: MonitorScheduler, useFactory: scheduler, inject: [APP_CONFIG] },
    {
      provide: ArtifactTransfer,
      useFactory: (r: ArtifactRepositoryResolver) => new ArtifactTransfer(r),
      inject: [ArtifactRepositoryResolver],
    },
    MonitorCheckService,
    SeriesMonitorCheck,
    MonitorsService,
    MonitorsMetrics,
  ],
  exports: [MonitorsStore],
})
export class MonitorsModule {}
