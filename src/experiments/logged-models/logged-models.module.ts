import { Module } from '@nestjs/common';
import { StorageModule } from '../../storage/storage.module';
import { ExperimentsModule } from '../experiments.module';
import { LoggedModelsController } from './logged-models.controller';
import { LoggedModelsService } from './logged-models.service';

/** MLflow 3 logged models (entity in the tracking store, files behind the artifact proxy). */
@Module({
  imports: [ExperimentsModule, StorageModule],
  controllers: [LoggedModelsController],
  providers: [LoggedModelsService],
  exports: [LoggedModelsService],
})
export class LoggedModelsModule {}
