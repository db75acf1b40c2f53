import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, loadConfig, logLevels } from '../../../config/app-config';
import { WorkerModule } from '../../../worker.module';

/** The config a parent process hands to its job processes (it may come from CLI flags, not env). */
export const CONFIG_ENV = 'TSFLOW_CONFIG_JSON';

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return env[CONFIG_ENV] ? (JSON.parse(env[CONFIG_ENV] as string) as AppConfig) : loadConfig(env);
}

export function envWithConfig(config: AppConfig, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, [CONFIG_ENV]: JSON.stringify(config) };
}

let context: Promise<INestApplicationContext> | undefined;

/** One Nest application context per process, created on first use and kept for later jobs. */
export function workerContext(): Promise<INestApplicationContext> {
  if (!context) {
    const config = configFromEnv();
    context = NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
      logger: logLevels(config.logLevel),
    });
  }
  return context;
}
