import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { ServingModule } from '../serving/serving.module';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/**
 * /health, /version and /metrics. Monitoring looks down at the store and the champion holder;
 * nothing imports monitoring (metrics are recorded into common/metrics).
 */
@Module({ imports: [ExperimentsModule, ServingModule], controllers: [HealthController, MetricsController] })
export class MonitoringModule {}
