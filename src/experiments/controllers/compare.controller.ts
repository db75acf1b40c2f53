import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { f, Infer, message } from '../../common/proto/fields';
import { ERROR_SCHEMA, RpcArgs } from '../../common/proto/rpc.decorator';
import { CompareService } from '../compare.service';

const CompareReq = message({
  run_ids: f.string().required().doc('Comma-separated run ids'),
  maximize: f.string().doc('Comma-separated metric keys where higher is better (besides accuracy/skill/r2/...)'),
});

const row = (valueType: string) => ({
  type: 'object',
  properties: {
    key: { type: 'string' },
    values: { type: 'array', items: { type: valueType, nullable: true } },
    differs: { type: 'boolean' },
  },
});

@ApiTags('Compare runs')
@Controller('api/v1/runs')
export class CompareController {
  constructor(private readonly compare: CompareService) {}

  @Get('compare')
  @ApiOperation({
    summary: 'Compare runs side by side',
    description:
      'Params, latest metrics, tags, status and duration of each run; `differs` marks keys whose values differ, `best_run_id` the best run per metric (lowest unless the metric is maximised).',
  })
  @ApiQuery({
    name: 'run_ids',
    required: true,
    example: '0a1b2c3d4e5f60718293a4b5c6d7e8f9,1b2c3d4e5f60718293a4b5c6d7e8f90a',
  })
  @ApiQuery({ name: 'maximize', required: false, example: 'test_skill' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        runs: { type: 'array', items: { type: 'object' } },
        params: { type: 'array', items: row('string') },
        metrics: {
          type: 'array',
          items: {
            ...row('number'),
            properties: {
              ...row('number').properties,
              goal: { type: 'string', enum: ['min', 'max'] },
              best_run_id: { type: 'string' },
            },
          },
        },
        tags: { type: 'array', items: row('string') },
      },
    },
  })
  @ApiResponse({ status: 404, description: 'Unknown run', schema: ERROR_SCHEMA })
  get(@RpcArgs(CompareReq) a: Infer<typeof CompareReq>) {
    return this.compare.compare(a.run_ids.split(','), a.maximize?.split(',').map((s) => s.trim()) ?? []);
  }
}
