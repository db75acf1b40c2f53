import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { MetricsModule } from '../monitoring/metrics.module';
import { RegistryModule } from '../registry/registry.module';
import { TrainingCoreModule } from '../training/training-core.module';
import { ChampionLoader } from './champion.loader';
import { ChampionModelHolder } from './champion-model.holder';
import { InvocationsController } from './controllers/invocations.controller';
import { PredictController } from './controllers/predict.controller';
import { InvocationsService } from './invocations.service';
import { PredictService } from './predict.service';

/** Champion serving: the hot-reloading holder, POST /predict and MLflow's /invocations + /ping. */
@Module({
  imports: [ExperimentsModule, RegistryModule, TrainingCoreModule, MetricsModule],
  controllers: [PredictController, InvocationsController],
  providers: [ChampionLoader, ChampionModelHolder, PredictService, InvocationsService],
  exports: [ChampionModelHolder],
})
export class ServingModule {}
