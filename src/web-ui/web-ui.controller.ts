import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { WebUiAssets } from './web-ui.assets';

/**
 * The client routes of the SPA (web/src/routes.tsx). They are listed one by one, never a
 * catch-all, so unknown API paths keep answering MLflow's JSON 404.
 */
export const CLIENT_ROUTES = [
  '',
  'experiments',
  'experiments/*',
  'compare',
  'models',
  'models/*',
  'training',
  'training/*',
  'forecasts',
  'forecasts/*',
  'traces',
  'traces/*',
  'logged-models',
  'logged-models/*',
  'monitors',
  'monitors/*',
  'datasets',
  'datasets/*',
  'sign-in',
];

const NOT_BUILT =
  '<!doctype html><title>tsflow</title><p>The web UI is not built: run <code>npm run build</code>. The API is up (<a href="/docs">/docs</a>).</p>';

@ApiExcludeController()
@Controller()
export class WebUiController {
  constructor(@Inject(WebUiAssets) private readonly assets: WebUiAssets) {}

  @Get(CLIENT_ROUTES)
  page(@Res() reply: FastifyReply): void {
    const html = this.assets.indexHtml();
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(html ?? NOT_BUILT);
  }

  @Get(['assets/*', 'favicon.svg'])
  async asset(@Param('*') rest: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.assets.file(rest === undefined ? 'favicon.svg' : `assets/${rest}`);
    if (!file) throw new MlflowError(ErrorCode.ENDPOINT_NOT_FOUND, 'Endpoint not found.');
    reply
      .header('content-type', file.contentType)
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(file.body);
  }
}
