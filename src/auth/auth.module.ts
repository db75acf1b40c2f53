import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ExperimentsModule } from '../experiments/experiments.module';
import { MonitorsModule } from '../monitors/monitors.module';
import { RegistryModule } from '../registry/registry.module';
import { TracingModule } from '../tracing/tracing.module';
import { TrainingExecutionModule } from '../training/execution/training-execution.module';
import { AuthAfterInterceptor } from './auth-after.interceptor';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { AuthStore } from './auth.store';
import { MeController } from './controllers/me.controller';
import { PermissionsController } from './controllers/permissions.controller';
import { TokensController } from './controllers/tokens.controller';
import { UsersController } from './controllers/users.controller';
import { PermissionsService } from './permissions.service';
import { ArtifactAreaIndex } from './references/artifact-area-index';
import { DemandChecker } from './rules/demand-checker';
import { SqlAuthStore } from './store/sql-auth.store';

/**
 * The basic-auth app (`--app-name basic-auth`): users, grants, tokens, and the one global guard
 * that checks every route against rules/route-rules.ts. Off, the guard lets everything through.
 */
@Module({
  imports: [ExperimentsModule, MonitorsModule, RegistryModule, TracingModule, TrainingExecutionModule],
  controllers: [UsersController, PermissionsController, TokensController, MeController],
  providers: [
    AuthService,
    PermissionsService,
    DemandChecker,
    ArtifactAreaIndex,
    { provide: AuthStore, useClass: SqlAuthStore },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: AuthAfterInterceptor },
  ],
})
export class AuthModule {}
