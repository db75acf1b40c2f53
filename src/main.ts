import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureHttp, createHttpAdapter } from './common/http/configure-http';
import { setupSwagger } from './common/http/swagger';
import { AppConfig, loadConfig, logLevels } from './config/app-config';

/** The HTTP API application, configured but not listening (tests and scripts use it too). */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    createHttpAdapter(config.maxBodyBytes),
    {
      bodyParser: false,
      logger: logLevels(config.logLevel),
    },
  );
  configureHttp(app, config.maxBodyBytes);
  setupSwagger(app);
  app.enableShutdownHooks();
  return app;
}

export async function bootstrap(config: AppConfig = loadConfig()): Promise<NestFastifyApplication> {
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const db = config.database.type === 'sqlite' ? `sqlite ${config.database.path}` : 'postgres';
  new Logger('tsflow').log(
    `listening on http://${config.host}:${config.port} (store: ${db}, artifacts: ${config.artifactsDestination}); Swagger UI at /docs`,
  );
  return app;
}

if (require.main === module) {
  bootstrap().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
