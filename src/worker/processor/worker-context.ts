import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { logLevels } from '../../config/app-config';
import { configFromEnv } from '../../config/config-handoff';
import { WorkerModule } from '../worker.module';

let context: Promise<INestApplicationContext> | undefined;

/** One Nest application context per job process, created on first use and kept for later jobs. */
export function workerContext(): Promise<INestApplicationContext> {
  if (!context) {
    const config = configFromEnv();
    context = NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
      logger: logLevels(config.logLevel),
    });
  }
  return context;
}
