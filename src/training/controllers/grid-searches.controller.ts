import { Controller, Delete, Get, HttpCode, MessageEvent, Param, Post, Sse } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { Infer } from '../../common/proto/fields';
import { messageSchema } from '../../common/proto/openapi';
import { ERROR_SCHEMA, RpcArgs } from '../../common/proto/rpc.decorator';
import { IntQuery } from '../../common/http/int-query';
import { validateMaxResults } from '../../common/validation';
import { GridSearchReq, GridSubmittedRes } from '../dtos/training.dto';
import { gridSummaryToWire, gridToWire } from '../dtos/training.mapper';
import { GridSearchService } from '../grid-search.service';

const EXAMPLE = {
  experiment_name: 'lstm-msft',
  dataset: { ticker: 'MSFT', source: 'sample', start_date: '2018-01-01', end_date: '2024-06-30' },
  params: {
    horizon: 1,
    layers: 1,
    dropout: 0.2,
    learning_rate: 0.001,
    batch_size: 32,
    epochs: 2,
    patience: 5,
    loss: 'mae',
    seed: 42,
  },
  grid: { units: [16, 32], seq_length: [10, 20] },
  metric: 'val_mae',
  promote: { model_name: 'msft-lstm', policy: 'if_better' },
};

@ApiTags('Grid searches')
@Controller('api/v1/training/grid-searches')
export class GridSearchesController {
  constructor(private readonly grids: GridSearchService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit a grid search',
    description:
      'The single-run body plus `grid` (param → values), `metric` and `promote`. Every candidate is validated before anything is queued; each becomes a child run of one parent run.',
  })
  @ApiBody({ schema: { ...messageSchema(GridSearchReq), example: EXAMPLE } })
  @ApiAcceptedResponse({ schema: messageSchema(GridSubmittedRes) })
  @ApiResponse({ status: 400, description: 'Invalid grid, params or dataset', schema: ERROR_SCHEMA })
  @ApiResponse({ status: 503, description: 'Job queue (Redis) unavailable', schema: ERROR_SCHEMA })
  submit(@RpcArgs(GridSearchReq) req: Infer<typeof GridSearchReq>) {
    return this.grids.submit(req);
  }

  @Get()
  @ApiOperation({ summary: 'Grid searches, newest first' })
  @ApiQuery({ name: 'max_results', required: false, example: 50, type: String })
  @ApiQuery({ name: 'offset', required: false, example: 0, type: String })
  async list(@IntQuery('max_results') max?: number, @IntQuery('offset') offset?: number) {
    const limit = validateMaxResults(max, 50, 1000);
    const grids = await this.grids.list(limit, offset ?? 0);
    return { grid_searches: grids.map(gridSummaryToWire) };
  }

  @Get(':job_id')
  @ApiOperation({
    summary: 'Status: state, progress, candidates (state, params, metrics, run_id), best run, promotion decision',
  })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  async get(@Param('job_id') id: string) {
    const { grid, candidates } = await this.grids.get(id);
    return gridToWire(grid, candidates);
  }

  @Delete(':job_id')
  @ApiOperation({ summary: 'Cancel: queued candidates are dropped, running ones stop at the next epoch (runs KILLED)' })
  async cancel(@Param('job_id') id: string) {
    await this.grids.cancel(id);
    const { grid, candidates } = await this.grids.get(id);
    return gridToWire(grid, candidates);
  }

  @Sse(':job_id/events')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Progress as server-sent events: one `status` event per change, until the grid is final' })
  events(@Param('job_id') id: string): Promise<Observable<MessageEvent>> {
    return this.grids.events(id);
  }
}
