import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { HealthController } from './health.controller';

@Module({ imports: [ExperimentsModule], controllers: [HealthController] })
export class MonitoringModule {}
