import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { ServingModule } from '../serving/serving.module';
import { HealthController } from './health.controller';

@Module({ imports: [ExperimentsModule, ServingModule], controllers: [HealthController] })
export class MonitoringModule {}
