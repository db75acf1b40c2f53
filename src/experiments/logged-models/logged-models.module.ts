import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments.module';
import { LoggedModelsController } from './logged-models.controller';
import { LoggedModelsService } from './logged-models.service';

/** MLflow 3 logged models (entity in the tracking store; their files are served by the storage module). */
@Module({
  imports: [ExperimentsModule],
  controllers: [LoggedModelsController],
  providers: [LoggedModelsService],
  exports: [LoggedModelsService],
})
export class LoggedModelsModule {}
