import { Module } from '@nestjs/common';
import { TrainingModule } from '../training/training.module';
import { JobStatsStore } from './job-stats.store';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** GET /metrics and the MetricsService other modules record into (serving, HTTP). */
@Module({
  imports: [TrainingModule],
  controllers: [MetricsController],
  providers: [JobStatsStore, MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
