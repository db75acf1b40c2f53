import { Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { ERROR_SCHEMA } from '../../common/proto/rpc.decorator';
import { EXAMPLE_PRICES } from '../dtos/predict.dto';
import { InvocationsService, unsupportedMediaType } from '../invocations.service';
import { checkNamedModel } from '../../common/http/model-check';
import { modelParam } from '../model-param';

const MODEL_QUERY = {
  name: 'model',
  type: String,
  required: false,
  description:
    'Registered model (default: TSFLOW_DEFAULT_MODEL, else the only model served); /invocations also reads a top-level "model" key of the JSON body',
};

/** MLflow's scoring-server protocol, served from the champion (mlflow-api.md §12). */
@ApiTags('Serving')
@Controller()
export class InvocationsController {
  constructor(private readonly invocations: InvocationsService) {}

  @Post('invocations')
  @HttpCode(200)
  @RouteConfig({ rawBody: true })
  @ApiOperation({
    summary: 'MLflow scoring protocol: dataframe_split, dataframe_records, instances, inputs (JSON) or CSV',
    description:
      'Tensor inputs (`inputs`, `instances`) are windows: one window of prices, or a list of windows; the answer has one forecast per window. ' +
      'DataFrame inputs and CSV are one series (rows = days, columns = the model features). `params.horizon` > 1 asks for recursive multi-step forecasts. ' +
      'The model is `?model=` or a top-level `"model"` key beside the input key (both given: they must agree).',
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiQuery(MODEL_QUERY)
  @ApiBody({
    schema: { type: 'object', example: { inputs: [EXAMPLE_PRICES], params: { horizon: 1 } } },
  })
  @ApiOkResponse({ schema: { type: 'object', properties: { predictions: {} }, example: { predictions: [419.2] } } })
  @ApiResponse({ status: 400, description: 'Malformed input (BAD_REQUEST)', schema: ERROR_SCHEMA })
  @ApiResponse({ status: 415, description: 'Content type other than application/json or text/csv' })
  async invoke(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('model') model?: unknown,
  ) {
    const name = modelParam(model);
    const unsupported = unsupportedMediaType(req.headers['content-type']);
    if (unsupported) {
      reply.status(415).header('content-type', 'text/plain; charset=utf-8');
      return unsupported;
    }
    return this.invocations.invoke(req.body as Readable | undefined, req.headers['content-type'], name, (named) =>
      checkNamedModel(req, named),
    );
  }

  @Get('ping')
  @HttpCode(200)
  @Header('content-type', 'application/json')
  @ApiOperation({
    summary: "MLflow scoring protocol health: 200 once the default model's champion is loaded, else 404",
  })
  @ApiQuery(MODEL_QUERY)
  @ApiResponse({ status: 404, description: 'No champion loaded', schema: ERROR_SCHEMA })
  ping(@Query('model') model?: unknown): Promise<string> {
    return this.invocations.ping(modelParam(model));
  }
}
