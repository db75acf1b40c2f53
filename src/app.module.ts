import { DynamicModule, Module } from '@nestjs/common';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { AuthModule } from './auth/auth.module';
import { OpenMeModule } from './auth/open-me.controller';
import { AppConfig } from './config/app-config';
import { MetricsModule } from './common/metrics/metrics.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ExperimentsModule } from './experiments/experiments.module';
import { ImporterModule } from './importer/importer.module';
import { LoggedModelsModule } from './experiments/logged-models/logged-models.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { MonitorsModule } from './monitors/monitors.module';
import { RegistryModule } from './registry/registry.module';
import { ServingModule } from './serving/serving.module';
import { TracingModule } from './tracing/tracing.module';
import { TrainingModule } from './training/training.module';
import { GraphqlModule } from './graphql/graphql.module';
import { UiApiModule } from './ui-api/ui-api.module';
import { WebUiModule } from './web-ui/web-ui.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        MetricsModule,
        ExperimentsModule,
        MonitoringModule,
        ArtifactsModule,
        LoggedModelsModule,
        TracingModule,
        RegistryModule,
        TrainingModule,
        ServingModule,
        MonitorsModule,
        ImporterModule,
        UiApiModule,
        GraphqlModule,
        // Mounted only in basic-auth mode (as MLflow's auth app): off, no guard runs at all and only
        // the open GET /api/v1/auth/me (everyone may do everything) answers for the web UI.
        ...(config.auth.enabled ? [AuthModule] : [OpenMeModule]),
        WebUiModule,
      ],
    };
  }
}
