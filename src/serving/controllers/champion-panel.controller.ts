import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IntQuery } from '../../common/http/int-query';
import { MlflowError } from '../../common/mlflow-error';
import { ERROR_SCHEMA } from '../../common/proto/rpc.decorator';
import { NAME_PARAM } from '../../registry/controllers/champion.controller';
import { ChampionPanelService, HISTORY_TAIL, SERIES_PAGE } from '../champion-panel.service';

const MODEL = { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' } } };

const PANEL_SCHEMA = {
  type: 'object',
  properties: {
    model: MODEL,
    kind: { type: 'string', enum: ['series', 'prices', 'onnx'] },
    family: { type: 'string', example: 'theta' },
    frequency: { type: 'string', example: 'D' },
    seasonal_periods: { type: 'array', items: { type: 'number' }, example: [7, 365.25] },
    horizon: { type: 'integer', example: 14 },
    interval_levels: { type: 'array', items: { type: 'number' }, example: [0.8, 0.95] },
    series_count: { type: 'integer' },
    matched: { type: 'integer', description: 'Series whose id contains the filter' },
    series: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, length: { type: 'integer' }, last: { type: 'string' } },
      },
    },
  },
};

const HISTORY_SCHEMA = {
  type: 'object',
  properties: {
    model: MODEL,
    series_id: { type: 'string' },
    frequency: { type: 'string' },
    seasonal_periods: { type: 'array', items: { type: 'number' } },
    length: { type: 'integer', description: 'Steps in the stored history' },
    timestamps: { type: 'array', items: { type: 'string' } },
    values: { type: 'array', items: { type: 'number', nullable: true } },
  },
};

/** A string query parameter given at most once (Fastify makes repeated ones an array). */
function oneString(name: string, raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw MlflowError.invalid(`Parameter '${name}' must be given once, as a string.`);
  return raw;
}

/**
 * The series a champion answers for (its panel, as the loaded model holds it): for choosing a
 * series to forecast and drawing its recent history beside the forecast. Serving owns it
 * because the answer comes from the loaded champion, not from the registry.
 */
@ApiTags('Serving')
@Controller('api/v1/models')
export class ChampionPanelController {
  constructor(private readonly panels: ChampionPanelService) {}

  @Get(':name/champion/series')
  @ApiOperation({
    summary: "The champion's panel: kind, frequency, seasonal periods, horizon and the series ids it forecasts",
    description:
      "A price forecaster or ONNX champion answers with its `kind` and no series (forecast it by 'values' or dates).",
  })
  @ApiParam(NAME_PARAM)
  @ApiQuery({ name: 'filter', required: false, description: 'Only ids containing this text (case-insensitive)' })
  @ApiQuery({
    name: 'max_results',
    required: false,
    description: `At most this many ids (default ${SERIES_PAGE.default})`,
  })
  @ApiOkResponse({ schema: PANEL_SCHEMA })
  @ApiResponse({ status: 404, description: 'Unknown model', schema: ERROR_SCHEMA })
  @ApiResponse({ status: 503, description: 'No champion, or it could not be loaded', schema: ERROR_SCHEMA })
  series(
    @Param('name') name: string,
    @Query('filter') filter: unknown,
    @IntQuery('max_results', { min: 1, max: SERIES_PAGE.max }) max?: number,
  ) {
    return this.panels.panel(name, oneString('filter', filter), max);
  }

  @Get(':name/champion/history')
  @ApiOperation({ summary: "The recent history of one series of the champion's panel (what its forecast starts from)" })
  @ApiParam(NAME_PARAM)
  @ApiQuery({ name: 'series_id', required: true })
  @ApiQuery({
    name: 'last',
    required: false,
    description: `The last steps to return (default ${HISTORY_TAIL.default})`,
  })
  @ApiOkResponse({ schema: HISTORY_SCHEMA })
  @ApiResponse({
    status: 400,
    description: 'No or unknown series_id, or the champion is not a series model',
    schema: ERROR_SCHEMA,
  })
  @ApiResponse({ status: 404, description: 'Unknown model', schema: ERROR_SCHEMA })
  @ApiResponse({ status: 503, description: 'No champion, or it could not be loaded', schema: ERROR_SCHEMA })
  history(
    @Param('name') name: string,
    @Query('series_id') seriesId: unknown,
    @IntQuery('last', { min: 1, max: HISTORY_TAIL.max }) last?: number,
  ) {
    const id = oneString('series_id', seriesId);
    if (!id) throw MlflowError.invalid("Give 'series_id': the series whose history to return.");
    return this.panels.history(name, id, last);
  }
}
