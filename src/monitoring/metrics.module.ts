import { Module } from '@nestjs/common';
import { TrainingCoreModule } from '../training/training-core.module';
import { TrainingModule } from '../training/training.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** GET /metrics and the MetricsService other modules record into (serving, HTTP). */
@Module({
  imports: [TrainingModule, TrainingCoreModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
