import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ERROR_SCHEMA } from '../../common/proto/rpc.decorator';
import { ChampionService } from '../../registry/champion.service';
import { NAME_PARAM } from '../../registry/controllers/champion.controller';
import { CHAMPION_SCHEMA } from '../../registry/dtos/champion.dto';
import { ChampionModelHolder } from '../champion-model.holder';

const SERVABILITY = {
  runtime: {
    type: 'string',
    nullable: true,
    enum: ['tsflow', 'onnx'],
    description: 'Runtime serving it: tsflow forecasters or ONNX Runtime (null when not servable)',
  },
  servable: { type: 'boolean', description: 'Whether /invocations and /predict can answer with this champion' },
  reason: { type: 'string', nullable: true, description: 'Why it cannot be served (null when servable)' },
};

/**
 * The champion as the registry records it, with what serving makes of it. Lives in serving
 * (the registry does not know runtimes); the promotion routes stay in the registry.
 */
@ApiTags('Models')
@Controller('api/v1/models')
export class ChampionStatusController {
  constructor(
    private readonly champions: ChampionService,
    private readonly holder: ChampionModelHolder,
  ) {}

  @Get(':name/champion')
  @ApiOperation({
    summary: 'The current champion of a registered model, and whether it is servable (by which runtime)',
    description:
      '404 when the model does not exist or has no champion. Any model may be registered and promoted (as in MLflow); ' +
      '`servable` says whether this server can answer with it (tsflow forecasters and ONNX models), `reason` why not.',
  })
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        ...CHAMPION_SCHEMA.properties,
        champion: {
          allOf: [CHAMPION_SCHEMA.properties!.champion, { type: 'object', properties: SERVABILITY }],
        },
      },
      example: {
        model: 'm3-reg',
        champion: {
          version: '3',
          run_id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
          source: 'mlflow-artifacts:/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts/model',
          artifact_uri: 'mlflow-artifacts:/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts/model',
          runtime: 'onnx',
          servable: true,
          reason: null,
        },
      },
    },
  })
  @ApiResponse({ status: 404, description: 'Unknown model, or no champion', schema: ERROR_SCHEMA })
  async get(@Param('name') name: string) {
    const { model, champion } = await this.champions.get(name);
    return { model, champion: { ...champion, ...(await this.holder.servability(name, champion.version)) } };
  }
}
