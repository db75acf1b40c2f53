import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { TrainingExecutionModule } from '../training/execution/training-execution.module';

/** The worker process and its sandboxed processors: stores, the job lifecycle and the executor; no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [ConfigModule.forRoot(config), DatabaseModule, TrainingExecutionModule] };
  }
}
