import type { Readable } from 'node:stream';
import { applyDecorators, Controller, Delete, Get, HttpCode, Post, Put, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Infer } from '../../common/proto/fields';
import { ERROR_SCHEMA, MLFLOW_PREFIXES, MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { compact } from '../../common/wire';
import { ArtifactsEnabledGuard } from '../artifacts-enabled.guard';
import { ArtifactsService } from '../artifacts.service';
import { fileInfoToWire, ListProxiedReq, ListProxiedRes } from '../dtos/artifacts.dto';
import { rawWildcardPath, sendArtifact } from '../artifact-http.util';

/** `<prefix>/mlflow-artifacts/<sub>/*` under both /api/2.0 and /ajax-api/2.0. */
const wildcard = (sub: string) => MLFLOW_PREFIXES.map((p) => `${p}/mlflow-artifacts/${sub}/*`);

const DISABLED = ApiResponse({
  status: 503,
  description: 'Server runs with --no-serve-artifacts',
  schema: ERROR_SCHEMA,
});
const PATH_PARAM = applyDecorators(
  ApiParam({
    name: 'path',
    description: 'Artifact path relative to the artifacts destination (slashes may be sent as %2F)',
    example: '1/0a1b2c3d/artifacts/model/MLmodel',
  }),
  ApiResponse({ status: 400, description: 'Invalid path (INVALID_PARAMETER_VALUE)', schema: ERROR_SCHEMA }),
  DISABLED,
);

/** The mlflow-artifacts proxy API (mlflow-api.md §6.2). */
@ApiTags('MLflow mlflow-artifacts')
@UseGuards(ArtifactsEnabledGuard)
@Controller()
export class MlflowArtifactsController {
  constructor(private readonly artifacts: ArtifactsService) {}

  @MlflowRpc({
    method: 'GET',
    path: 'artifacts',
    service: 'mlflow-artifacts',
    request: ListProxiedReq,
    response: ListProxiedRes,
    summary: 'List the immediate children of a directory (basenames)',
  })
  @DISABLED
  async list(@RpcArgs(ListProxiedReq) a: Infer<typeof ListProxiedReq>) {
    const entries = await this.artifacts.list(a.path);
    return compact({ files: entries.map((e) => fileInfoToWire(e)) });
  }

  @Get(wildcard('artifacts'))
  @ApiOperation({ summary: 'Download one artifact file (streamed attachment)' })
  @PATH_PARAM
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The file bytes', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 404, description: 'No such file (RESOURCE_DOES_NOT_EXIST)', schema: ERROR_SCHEMA })
  async download(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendArtifact(reply, await this.artifacts.download(rawWildcardPath(req)));
  }

  @Put(wildcard('artifacts'))
  @RouteConfig({ rawBody: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Upload one artifact file (raw body of any content type, streamed, replaces an existing file)',
  })
  @PATH_PARAM
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ schema: { type: 'object', example: {} } })
  async upload(@Req() req: FastifyRequest): Promise<Record<string, never>> {
    await this.artifacts.upload(rawWildcardPath(req), req.body as Readable | undefined);
    return {};
  }

  @Delete(wildcard('artifacts'))
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete an artifact file or directory (recursively)' })
  @PATH_PARAM
  @ApiOkResponse({ schema: { type: 'object', example: {} } })
  async delete(@Req() req: FastifyRequest): Promise<Record<string, never>> {
    await this.artifacts.delete(rawWildcardPath(req));
    return {};
  }

  @Post([...wildcard('mpu/create'), ...wildcard('mpu/complete'), ...wildcard('mpu/abort')])
  @ApiOperation({ summary: 'Multipart upload (create/complete/abort): 501, not supported by local storage' })
  @PATH_PARAM
  @ApiResponse({
    status: 501,
    description: 'NOT_IMPLEMENTED: the client falls back to a single PUT',
    schema: ERROR_SCHEMA,
  })
  multipart(@Req() req: FastifyRequest): never {
    return this.artifacts.multipart(rawWildcardPath(req));
  }
}
