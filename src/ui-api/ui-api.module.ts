import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { StorageModule } from '../storage/storage.module';
import { UiApiController } from './controllers/ui-api.controller';
import { GatewayProxyService } from './gateway-proxy.service';
import { PromptlabService } from './promptlab.service';

/** MLflow's UI helper endpoints beyond tracking and artifacts: prompt-lab runs and the gateway proxy. */
@Module({
  imports: [ExperimentsModule, StorageModule],
  controllers: [UiApiController],
  providers: [PromptlabService, GatewayProxyService],
})
export class UiApiModule {}
