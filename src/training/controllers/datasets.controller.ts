import type { Readable } from 'node:stream';
import { applyDecorators, Controller, Get, HttpCode, Param, Put, Query, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ERROR_SCHEMA } from '../../common/proto/rpc.decorator';
import { SeriesDatasetsService } from '../data/series-datasets.service';

const DATASET_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    kind: { type: 'string', enum: ['prices', 'series'] },
    rows: { type: 'integer' },
    first_date: { type: 'string', description: 'prices' },
    last_date: { type: 'string', description: 'prices' },
    series_count: { type: 'integer', description: 'series' },
    frequency: { type: 'string', description: "series: 'H', 'D', 'B', 'W', 'M', '15min', ..." },
    seasonal_periods: { type: 'array', items: { type: 'number' } },
    first_timestamp: { type: 'string' },
    last_timestamp: { type: 'string' },
    length: {
      type: 'object',
      properties: { min: { type: 'integer' }, max: { type: 'integer' }, mean: { type: 'number' } },
    },
    missing_share: { type: 'number' },
    columns: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          role: { type: 'string', enum: ['timestamp', 'target', 'series_id', 'known', 'observed', 'ignored'] },
        },
      },
    },
    inferred: { type: 'array', items: { type: 'string' }, description: 'What was inferred and why' },
    validation: {
      type: 'object',
      description: 'duplicates, unordered rows, irregular steps, mixed frequencies, gaps, fill',
    },
    digest: { type: 'string' },
  },
};

const DESCRIPTION_SCHEMA = {
  ...DATASET_SCHEMA,
  properties: {
    ...DATASET_SCHEMA.properties,
    series: {
      type: 'array',
      description: 'Per series (the first 1000): id, length, first, last, missing',
      items: { type: 'object' },
    },
  },
};

const MAPPING_QUERY = [
  ['timestamp', 'Timestamp column (inferred when absent)'],
  ['target', 'Target column (inferred when absent)'],
  ['series_id', 'Series id column of a long-format panel'],
  ['known', 'Covariate columns known in advance, comma-separated'],
  ['observed', 'Covariate columns observed only, comma-separated'],
  ['frequency', "Frequency alias (inferred when absent): '15min', 'H', 'D', 'B', 'W', 'M', 'Q', 'Y'"],
  ['seasonal_periods', 'Seasonal periods in steps, comma-separated (default: from the frequency)'],
  ['fill', "Missing steps and values: 'ffill' (default, from the past only) or 'none' (left missing)"],
  ['kind', "'series': read a price-layout CSV as a series dataset"],
] as const;

const MappingQuery = () =>
  applyDecorators(...MAPPING_QUERY.map(([name, description]) => ApiQuery({ name, required: false, description })));

@ApiTags('Training')
@Controller('api/v1/training/datasets')
export class DatasetsController {
  constructor(private readonly datasets: SeriesDatasetsService) {}

  @Put(':name')
  @HttpCode(200)
  // Parsed into memory (streamed, but kept): counts against the concurrent large-body cap.
  @RouteConfig({ rawBody: true, buffered: true })
  @ApiOperation({
    summary:
      'Upload a dataset: a series dataset (CSV or NDJSON, long format for panels; mapping in the query or inferred), or a price history in the Yahoo export layout (train on it with dataset {"ticker": "<name>", "source": "csv"})',
  })
  @ApiParam({ name: 'name', example: 'store-sales' })
  @ApiConsumes('text/csv', 'application/x-ndjson')
  @MappingQuery()
  @ApiBody({
    schema: {
      type: 'string',
      example: 'date,store,sales,promo\n2024-01-01,s1,120,0\n2024-01-02,s1,131,1\n',
    },
  })
  @ApiOkResponse({ schema: DESCRIPTION_SCHEMA })
  @ApiResponse({
    status: 400,
    description:
      'Unreadable file (names the line and column), unknown or duplicate columns, a bad mapping, non-monotonic or duplicate timestamps, mixed frequencies or irregular steps inside a series; nothing is stored',
    schema: ERROR_SCHEMA,
  })
  upload(@Param('name') name: string, @Req() req: FastifyRequest, @Query() query: Record<string, unknown>) {
    return this.datasets.upload(name, req.body as Readable | undefined, req.headers['content-type'], query);
  }

  @Get()
  @ApiOperation({ summary: 'Uploaded datasets: price histories and series datasets (without the per-series list)' })
  @ApiOkResponse({ schema: { type: 'object', properties: { datasets: { type: 'array', items: DATASET_SCHEMA } } } })
  async list() {
    return { datasets: await this.datasets.list() };
  }

  @Get(':name')
  @ApiOperation({
    summary:
      'One dataset described as series: series count, length per series, frequency, range, missing share, columns and roles, validation findings',
  })
  @ApiParam({ name: 'name', example: 'store-sales' })
  @ApiOkResponse({ schema: DESCRIPTION_SCHEMA })
  @ApiResponse({ status: 404, description: 'No such dataset', schema: ERROR_SCHEMA })
  describe(@Param('name') name: string) {
    return this.datasets.describe(name);
  }
}
