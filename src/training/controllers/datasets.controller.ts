import type { Readable } from 'node:stream';
import { Controller, Get, HttpCode, Param, Put, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ERROR_SCHEMA } from '../../common/proto/rpc.decorator';
import { UploadedDatasetsService } from '../data/uploaded-datasets.service';

const DATASET_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    rows: { type: 'integer' },
    first_date: { type: 'string' },
    last_date: { type: 'string' },
  },
};

@ApiTags('Training')
@Controller('api/v1/training/datasets')
export class DatasetsController {
  constructor(private readonly datasets: UploadedDatasetsService) {}

  @Put(':name')
  @HttpCode(200)
  // Parsed into memory (streamed, but kept): counts against the concurrent large-body cap.
  @RouteConfig({ rawBody: true, buffered: true })
  @ApiOperation({
    summary:
      'Upload a CSV price history (Yahoo export layout); train on it with dataset {"ticker": "<name>", "source": "csv"}',
  })
  @ApiParam({ name: 'name', example: 'my-prices' })
  @ApiConsumes('text/csv')
  @ApiBody({
    schema: {
      type: 'string',
      example: 'Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,370.1,371.0,366.5,370.9,368.2,25258600\n',
    },
  })
  @ApiOkResponse({ schema: DATASET_SCHEMA })
  @ApiResponse({ status: 400, description: 'Unreadable CSV (names the line and column)', schema: ERROR_SCHEMA })
  upload(@Param('name') name: string, @Req() req: FastifyRequest) {
    return this.datasets.upload(name, req.body as Readable | undefined);
  }

  @Get()
  @ApiOperation({ summary: 'Uploaded CSV datasets' })
  @ApiOkResponse({ schema: { type: 'object', properties: { datasets: { type: 'array', items: DATASET_SCHEMA } } } })
  async list() {
    return { datasets: await this.datasets.list() };
  }
}
