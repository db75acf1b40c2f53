import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { RegistryModule } from '../registry/registry.module';
import { ArtifactRepositoryResolver } from '../storage/artifact-repository.resolver';
import { ArtifactTransfer } from '../storage/artifact.transfer';
import { StorageModule } from '../storage/storage.module';
import { PriceDataModule } from '../training/data/price-data.module';
import { ChampionLoader } from './champion.loader';
import { ChampionModelHolder } from './champion-model.holder';
import { ChampionPanelService } from './champion-panel.service';
import { ChampionPanelController } from './controllers/champion-panel.controller';
import { ChampionStatusController } from './controllers/champion-status.controller';
import { InvocationsController } from './controllers/invocations.controller';
import { PredictController } from './controllers/predict.controller';
import { InvocationsService } from './invocations.service';
import { PredictService } from './predict.service';

/**
 * Champion serving: the hot-reloading holder, POST /predict and MLflow's /invocations + /ping.
 * Of training it needs only the price data (for date-based forecasts) and the pure core.
 */
@Module({
  imports: [ExperimentsModule, RegistryModule, StorageModule, PriceDataModule],
  controllers: [PredictController, InvocationsController, ChampionStatusController, ChampionPanelController],
  providers: [
    {
      provide: ArtifactTransfer,
      useFactory: (r: ArtifactRepositoryResolver) => new ArtifactTransfer(r),
      inject: [ArtifactRepositoryResolver],
    },
    ChampionLoader,
    ChampionModelHolder,
    PredictService,
    ChampionPanelService,
    InvocationsService,
  ],
  exports: [ChampionModelHolder, ChampionLoader],
})
export class ServingModule {}
