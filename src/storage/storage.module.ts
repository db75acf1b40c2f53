import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { LoggedModelsModule } from '../experiments/logged-models/logged-models.module';
import { ArtifactRepository } from './artifact-repository';
import { ArtifactRepositoryResolver } from './artifact-repository.resolver';
import { ArtifactsEnabledGuard } from './artifacts-enabled.guard';
import { ArtifactsService } from './artifacts.service';
import { ArtifactsListController } from './controllers/artifacts-list.controller';
import { LoggedModelArtifactsController } from './controllers/logged-model-artifacts.controller';
import { MlflowArtifactsController } from './controllers/mlflow-artifacts.controller';
import { LocalArtifactRepository } from './local-artifact.repository';
import { LoggedModelArtifactsService } from './logged-model-artifacts.service';

async function proxiedRepository(config: AppConfig): Promise<ArtifactRepository> {
  const repository = new LocalArtifactRepository(config.artifactsDestination);
  // With --no-serve-artifacts nothing is written through the proxy: do not create the directory.
  if (config.serveArtifacts) await repository.init();
  new Logger('StorageModule').log(
    `artifact store: ${repository.location} (serving ${config.serveArtifacts ? 'on' : 'off'})`,
  );
  return repository;
}

/** Artifact storage (ArtifactRepository + local implementation) and the mlflow-artifacts proxy API. */
@Module({
  imports: [ExperimentsModule, LoggedModelsModule],
  controllers: [MlflowArtifactsController, ArtifactsListController, LoggedModelArtifactsController],
  providers: [
    { provide: ArtifactRepository, useFactory: proxiedRepository, inject: [APP_CONFIG] },
    ArtifactRepositoryResolver,
    ArtifactsService,
    LoggedModelArtifactsService,
    ArtifactsEnabledGuard,
  ],
  exports: [ArtifactRepository, ArtifactRepositoryResolver],
})
export class StorageModule {}
