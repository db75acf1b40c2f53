import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { LoggedModelsModule } from '../experiments/logged-models/logged-models.module';
import { RegistryModule } from '../registry/registry.module';
import { StorageModule } from '../storage/storage.module';
import { ArtifactsEnabledGuard } from './artifacts-enabled.guard';
import { ArtifactsService } from './artifacts.service';
import { ArtifactsListController } from './controllers/artifacts-list.controller';
import { LoggedModelArtifactsController } from './controllers/logged-model-artifacts.controller';
import { MlflowArtifactsController } from './controllers/mlflow-artifacts.controller';
import { UiArtifactsController } from './controllers/ui-artifacts.controller';
import { LoggedModelArtifactsService } from './logged-model-artifacts.service';
import { UiArtifactsService } from './ui-artifacts.service';

/**
 * The artifact REST API: the mlflow-artifacts proxy, `artifacts/list` of runs and the UI helper
 * routes (get-artifact, model-versions/get-artifact, upload-artifact), logged models' files (L9), over
 * the storage floor.
 */
@Module({
  imports: [StorageModule, ExperimentsModule, LoggedModelsModule, RegistryModule],
  controllers: [MlflowArtifactsController, ArtifactsListController, UiArtifactsController, LoggedModelArtifactsController],
  providers: [ArtifactsService, UiArtifactsService, LoggedModelArtifactsService, ArtifactsEnabledGuard],
  exports: [ArtifactsService],
})
export class ArtifactsModule {}
