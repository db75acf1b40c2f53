import type { Readable } from 'node:stream';
import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { allValues } from '../../experiments/ui-tracking.service';
import { sendArtifact } from '../artifact-http.util';
import { UiArtifactsService } from '../ui-artifacts.service';

const first = (v: unknown): string | undefined => allValues(v)[0];

/** MLflow's UI artifact routes (mlflow-api.md §6.4): raw downloads by run and by model version, UI uploads. */
@ApiTags('MLflow UI helpers')
@Controller()
export class UiArtifactsController {
  constructor(private readonly ui: UiArtifactsService) {}

  @Get('get-artifact')
  @ApiOperation({ summary: 'Download one file of a run (attachment, streamed)' })
  @ApiQuery({ name: 'run_id', required: false, description: 'Run id (or run_uuid)' })
  @ApiQuery({ name: 'path', description: 'File path relative to the run artifact root', example: 'model/MLmodel' })
  @ApiProduces('application/octet-stream')
  async runArtifact(@Query() q: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    sendArtifact(reply, await this.ui.runArtifact(first(q.run_id) ?? first(q.run_uuid), first(q.path)));
  }

  @Get('model-versions/get-artifact')
  @ApiOperation({ summary: "Download one file under a model version's download URI (attachment, streamed)" })
  @ApiQuery({ name: 'name' })
  @ApiQuery({ name: 'version' })
  @ApiQuery({ name: 'path', example: 'MLmodel' })
  @ApiProduces('application/octet-stream')
  async versionArtifact(@Query() q: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    sendArtifact(reply, await this.ui.modelVersionArtifact(first(q.name), first(q.version), first(q.path)));
  }

  @Post('ajax-api/2.0/mlflow/upload-artifact')
  @RouteConfig({ rawBody: true })
  @HttpCode(200)
  @ApiOperation({ summary: "Upload one file (≤ 10 MB, raw body) into a run's artifacts (the UI's image upload)" })
  @ApiQuery({ name: 'run_uuid' })
  @ApiQuery({ name: 'path', example: 'images/plot.png' })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  async upload(@Query() q: Record<string, unknown>, @Req() req: FastifyRequest): Promise<Record<string, never>> {
    await this.ui.upload(first(q.run_uuid), first(q.path), req.body as Readable | undefined);
    return {};
  }
}
