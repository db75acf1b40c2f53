import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { RegistryModule } from '../registry/registry.module';
import { StorageModule } from '../storage/storage.module';
import { ArtifactsEnabledGuard } from './artifacts-enabled.guard';
import { ArtifactsService } from './artifacts.service';
import { ArtifactsListController } from './controllers/artifacts-list.controller';
import { MlflowArtifactsController } from './controllers/mlflow-artifacts.controller';
import { UiArtifactsController } from './controllers/ui-artifacts.controller';
import { UiArtifactsService } from './ui-artifacts.service';

/**
 * The artifact REST API: the mlflow-artifacts proxy, `artifacts/list` of runs and the UI helper
 * routes (get-artifact, model-versions/get-artifact, upload-artifact), over the storage floor.
 */
@Module({
  imports: [StorageModule, ExperimentsModule, RegistryModule],
  controllers: [MlflowArtifactsController, ArtifactsListController, UiArtifactsController],
  providers: [ArtifactsService, UiArtifactsService, ArtifactsEnabledGuard],
})
export class ArtifactsModule {}
