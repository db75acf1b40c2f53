import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorCode, MlflowError } from '../../common/mlflow-error';
import { ERROR_SCHEMA } from '../../common/proto/rpc.decorator';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { TracesService } from '../traces.service';

async function readBytes(stream: Readable | undefined, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream ?? []) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream?.resume();
      throw new MlflowError(ErrorCode.REQUEST_TOO_LARGE, `Request body exceeds the limit of ${limit} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** X9: OTLP/HTTP protobuf span export, what MLflow 3.4+ clients send when a traced function ends. */
@ApiTags('MLflow traces')
@Controller()
export class OtlpController {
  constructor(
    private readonly traces: TracesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('v1/traces')
  @RouteConfig({ rawBody: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'OTLP span ingest (ExportTraceServiceRequest, application/x-protobuf)',
    description: 'Spans are stored in the tracking database; a trace unknown so far is created from its spans.',
  })
  @ApiConsumes('application/x-protobuf')
  @ApiHeader({ name: 'x-mlflow-experiment-id', required: true, description: 'Experiment the spans belong to' })
  @ApiOkResponse({ schema: { type: 'object', example: { partialSuccess: null } } })
  @ApiResponse({ status: 400, description: 'Not protobuf, no spans, or no experiment header', schema: ERROR_SCHEMA })
  async ingest(@Req() req: FastifyRequest): Promise<{ partialSuccess: null }> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/x-protobuf') {
      (req.body as Readable | undefined)?.resume();
      throw MlflowError.invalid("Bad Request. Content-Type must be 'application/x-protobuf'.");
    }
    const header = req.headers['x-mlflow-experiment-id'];
    const raw = await readBytes(req.body as Readable | undefined, this.config.maxBodyBytes);
    const body = req.headers['content-encoding'] === 'gzip' ? this.gunzip(raw) : raw;
    await this.traces.ingestOtlp(Array.isArray(header) ? header[0] : header, body);
    return { partialSuccess: null };
  }

  /** OTLP exporters may compress (OTEL_EXPORTER_OTLP_COMPRESSION=gzip); the limit applies after inflating. */
  private gunzip(raw: Buffer): Buffer {
    try {
      return gunzipSync(raw, { maxOutputLength: this.config.maxBodyBytes });
    } catch {
      throw MlflowError.invalid('Invalid OpenTelemetry protobuf format - the gzip body could not be inflated.');
    }
  }
}
