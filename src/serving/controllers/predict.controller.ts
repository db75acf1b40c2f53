import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { checkNamedModel } from '../../common/http/model-check';
import { messageSchema } from '../../common/proto/openapi';
import { ERROR_SCHEMA, RpcArgs } from '../../common/proto/rpc.decorator';
import { ChampionModelHolder } from '../champion-model.holder';
import { PREDICT_EXAMPLES, PREDICT_RESPONSE, PredictReq, SERVING_STATUS_SCHEMA } from '../dtos/predict.dto';
import { PredictRequest, PredictService } from '../predict.service';

@ApiTags('Serving')
@Controller()
export class PredictController {
  constructor(
    private readonly predictions: PredictService,
    private readonly holder: ChampionModelHolder,
  ) {}

  @Post('predict')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Forecast with the current champion',
    description:
      'Three input forms: `values` (the last prices: the next value(s)), `start_date` + `end_date` (rolling forecasts for each trading day ' +
      'of the range beside the actual prices) and `date` (the forecast for that day from the history up to the previous trading day). ' +
      "Date forms read the model's training ticker and source unless `ticker`/`source` are given. `horizon` > 1 gives a recursive " +
      'multi-step forecast. The champion is swapped without a restart when the `champion` alias moves.',
  })
  @ApiBody({ schema: messageSchema(PredictReq), examples: PREDICT_EXAMPLES })
  @ApiOkResponse({ schema: PREDICT_RESPONSE })
  @ApiResponse({
    status: 400,
    description: 'Invalid input (too few values, NaN, bad dates, horizon out of range)',
    schema: ERROR_SCHEMA,
  })
  @ApiResponse({ status: 404, description: 'Unknown registered model', schema: ERROR_SCHEMA })
  @ApiResponse({
    status: 503,
    description: 'The model has no champion yet, or it could not be loaded',
    schema: ERROR_SCHEMA,
  })
  predict(@RpcArgs(PredictReq) req: PredictRequest) {
    return this.predictions.predict(req);
  }

  @Get('api/v1/serving/models')
  @ApiOperation({
    summary: 'What this process serves: the loaded champion of each model, loads in progress and load failures',
    description:
      'With authentication on, another alias or a pinned version (`name@staging`, `name/3`) is listed only to a caller ' +
      'who may score it (READ on the model, or the scoring token), as for scoring itself.',
  })
  @ApiOkResponse({ schema: SERVING_STATUS_SCHEMA })
  async status(@Req() req: FastifyRequest) {
    const models = [];
    for (const model of this.holder.status()) {
      const allowed = await checkNamedModel(req, model.name).then(
        () => true,
        () => false,
      );
      if (allowed) models.push(model);
    }
    return { models };
  }
}
