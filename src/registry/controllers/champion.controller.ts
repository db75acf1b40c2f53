import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Infer } from '../../common/proto/fields';
import { messageSchema } from '../../common/proto/openapi';
import { ERROR_SCHEMA, RpcArgs } from '../../common/proto/rpc.decorator';
import { ChampionService } from '../champion.service';
import { PROMOTION_SCHEMA, PromoteChampionReq } from '../dtos/champion.dto';

export const NAME_PARAM = { name: 'name', description: 'Registered model name', example: 'lstm-msft' };

/** Champion promotion: the `champion` alias the serving module follows (GET, with servability, is in serving). */
@ApiTags('Models')
@Controller('api/v1/models')
export class ChampionController {
  constructor(private readonly champions: ChampionService) {}

  @Post(':name/champion')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Promote a champion',
    description:
      "With `run_id`: registers the run's `model` artifact directory (`<artifact_uri>/model`) as a new version, creating the " +
      'registered model if needed. With `version`: uses that existing version. Either way the `champion` alias moves in one ' +
      'transaction and a `champion-changed` event is emitted (in-process and over Redis). Setting the alias through ' +
      '`POST /api/2.0/mlflow/registered-models/alias` is equivalent. A run whose own test metrics lose significantly to ' +
      'persistence (negative `test_skill`, Diebold-Mariano p < 0.05) is refused with a 400 unless `force: true` is sent; a ' +
      "forced promotion is tagged 'tsflow.champion.forced' on the version and the run and answers `forced: true`.",
  })
  @ApiParam(NAME_PARAM)
  @ApiBody({
    schema: messageSchema(PromoteChampionReq),
    examples: {
      byRun: { summary: 'Register and promote a run', value: { run_id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9' } },
      byVersion: { summary: 'Promote an existing version', value: { version: '3' } },
    },
  })
  @ApiOkResponse({ description: 'The new champion and the one it replaced', schema: PROMOTION_SCHEMA })
  @ApiResponse({
    status: 400,
    description: 'Neither or both of run_id/version, bad model name, inactive run, a run below the floor without force',
    schema: ERROR_SCHEMA,
  })
  @ApiResponse({ status: 404, description: 'Unknown run, model or version', schema: ERROR_SCHEMA })
  promote(@Param('name') name: string, @RpcArgs(PromoteChampionReq) a: Infer<typeof PromoteChampionReq>) {
    return this.champions.promote(name, { runId: a.run_id, version: a.version, force: a.force });
  }
}
