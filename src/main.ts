import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureHttp, createHttpAdapter } from './common/http/configure-http';
import { setupSwagger } from './common/http/swagger';
import { AppConfig, loadConfig, logLevels } from './config/app-config';

const DRAIN_TIMEOUT_MS = 10_000;

/** The HTTP API application, configured but not listening (tests and scripts use it too). */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), {
    bodyParser: false,
    logger: logLevels(config.logLevel),
  });
  const edge = configureHttp(app, config);
  setupSwagger(app);
  // Shutdown: refuse new requests (MLflow 503) and let those in flight finish before the
  // modules close under them. (Nest's app is a proxy that ignores plain assignment.)
  const close = (Object.getPrototypeOf(app) as NestFastifyApplication).close.bind(app);
  Object.defineProperty(app, 'close', {
    configurable: true,
    value: async () => {
      await edge.drain(DRAIN_TIMEOUT_MS);
      await close();
    },
  });
  return app;
}

export async function bootstrap(config: AppConfig = loadConfig()): Promise<NestFastifyApplication> {
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  // SIGTERM/SIGINT go through app.close (drain first), not Nest's own signal hooks.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
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
