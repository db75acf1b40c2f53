import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/**
 * `--no-serve-artifacts`: every mlflow-artifacts route answers 503 (mlflow-api.md §2.4).
 * The message names the route pattern, never the requested URL (no reflection of input).
 */
@Injectable()
export class ArtifactsEnabledGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (this.config.serveArtifacts) return true;
    const route = ctx.switchToHttp().getRequest<FastifyRequest>().routeOptions?.url ?? 'mlflow-artifacts';
    throw new MlflowError(
      ErrorCode.TEMPORARILY_UNAVAILABLE,
      `Endpoint: ${route} disabled due to the mlflow server running with \`--no-serve-artifacts\`. ` +
        'To enable artifacts server functionality, run `tsflow server` with `--serve-artifacts`',
    );
  }
}
