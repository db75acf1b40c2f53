import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { LoggedModelsModule } from '../experiments/logged-models/logged-models.module';
import { ChampionEvents } from './champion-events.service';
import { ChampionService } from './champion.service';
import { ChampionController } from './controllers/champion.controller';
import { ModelVersionsController } from './controllers/model-versions.controller';
import { RegisteredModelsController } from './controllers/registered-models.controller';
import { ModelRegistryStore } from './model-registry.store';
import { ModelVersionsService } from './model-versions.service';
import { RegistryService } from './registry.service';
import { SqlModelRegistryStore } from './store/sql-model-registry.store';

/**
 * MLflow model registry (registered models, versions, tags, aliases) and champion promotion.
 * Exports ChampionEvents for the serving module, and the store and services for others.
 */
@Module({
  imports: [ExperimentsModule, LoggedModelsModule],
  controllers: [RegisteredModelsController, ModelVersionsController, ChampionController],
  providers: [
    RegistryService,
    ModelVersionsService,
    ChampionService,
    ChampionEvents,
    { provide: ModelRegistryStore, useClass: SqlModelRegistryStore },
  ],
  exports: [ModelRegistryStore, RegistryService, ModelVersionsService, ChampionService, ChampionEvents],
})
export class RegistryModule {}
