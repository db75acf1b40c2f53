import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IntQuery } from '../../common/http/int-query';
import { Infer } from '../../common/proto/fields';
import { messageSchema } from '../../common/proto/openapi';
import { ERROR_SCHEMA, RpcArgs } from '../../common/proto/rpc.decorator';
import { validateMaxResults } from '../../common/validation';
import { CheckReq, CreateMonitorReq, UpdateMonitorReq } from '../dtos/monitors.dto';
import { checkToWire, monitorToWire } from '../dtos/monitors.mapper';
import { MonitorsService } from '../monitors.service';

const EXAMPLE = {
  name: 'msft-daily',
  model_name: 'msft-lstm',
  dataset: { ticker: 'MSFT', source: 'yahoo' },
  schedule: { cron: '30 18 * * 1-5', timezone: 'America/New_York' },
  thresholds: { min_skill: 0, max_psi: 0.25, max_ks: 0.3, retrain_every_days: 90, min_scored_days: 5 },
  retrain: {
    params: { seq_length: 20, units: 32, epochs: 10 },
    grid: { units: [16, 32] },
    metric: 'val_mae',
    policy: 'if_better',
    lookback_days: 1460,
  },
};

const ID = ':monitor_id';

/** Monitors of champions: scheduled refresh, live scoring, drift, retrain decisions. */
@ApiTags('Monitors')
@Controller('api/v1/monitors')
export class MonitorsController {
  constructor(private readonly monitors: MonitorsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a monitor for a registered model',
    description:
      'Data source, cron schedule (time zone), thresholds and an optional retraining spec (a grid-search body without ' +
      'dataset dates; promotion by `policy`). Everything is validated now: bad cron or time zone, unknown model, ' +
      'thresholds out of range or a retraining spec the grid search would reject are 4xx.',
  })
  @ApiBody({ schema: { ...messageSchema(CreateMonitorReq), example: EXAMPLE } })
  @ApiResponse({ status: 400, schema: ERROR_SCHEMA })
  @ApiResponse({ status: 404, description: 'Unknown registered model', schema: ERROR_SCHEMA })
  async create(@RpcArgs(CreateMonitorReq) req: Infer<typeof CreateMonitorReq>) {
    const m = await this.monitors.create(req);
    return { monitor: monitorToWire(m, []) };
  }

  @Get()
  @ApiOperation({ summary: 'Monitors, oldest first' })
  @ApiQuery({ name: 'max_results', required: false, example: 100 })
  @ApiQuery({ name: 'offset', required: false, example: 0 })
  async list(@IntQuery('max_results') max?: number, @IntQuery('offset') offset?: number) {
    const limit = validateMaxResults(max, 100, 1000);
    const list = await this.monitors.list(limit, offset ?? 0);
    return { monitors: list.map((m) => monitorToWire(m)) };
  }

  @Get(ID)
  @ApiOperation({
    summary: 'Configuration, state, last and next check, history of checks and decisions (newest first)',
  })
  @ApiQuery({ name: 'max_checks', required: false, example: 50 })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  async get(@Param('monitor_id') id: string, @IntQuery('max_checks') max?: number) {
    const limit = validateMaxResults(max, 50, 1000);
    const m = await this.monitors.get(id);
    return { monitor: monitorToWire(m, await this.monitors.history(id, limit)) };
  }

  @Patch(ID)
  @ApiOperation({ summary: 'Change, pause (`paused: true`) or resume a monitor; thresholds merge field by field' })
  @ApiBody({ schema: { ...messageSchema(UpdateMonitorReq), example: { paused: true } } })
  @ApiResponse({ status: 400, schema: ERROR_SCHEMA })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  async update(@Param('monitor_id') id: string, @RpcArgs(UpdateMonitorReq) req: Infer<typeof UpdateMonitorReq>) {
    return { monitor: monitorToWire(await this.monitors.update(id, req)) };
  }

  @Delete(ID)
  @ApiOperation({ summary: 'Delete a monitor, its schedule and its check history (monitoring runs stay)' })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  async delete(@Param('monitor_id') id: string) {
    await this.monitors.delete(id);
    return {};
  }

  @Post(`${ID}/check`)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run a check now',
    description:
      'Refresh, live scoring of the champion on the days it was not scored on, drift, decision and (if so decided) a ' +
      'retrain. `as_of` sets the check\'s "today" (data after it is ignored): replay months of history check by check. ' +
      'A failing data source is a `failed` check (200), not an error of this call.',
  })
  @ApiBody({ schema: { ...messageSchema(CheckReq), example: { as_of: '2024-03-28' } } })
  @ApiOkResponse({ description: 'The check, with its report' })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  @ApiResponse({ status: 409, description: 'A check of this monitor is running', schema: ERROR_SCHEMA })
  async check(@Param('monitor_id') id: string, @RpcArgs(CheckReq) req: Infer<typeof CheckReq>) {
    return { check: checkToWire(await this.monitors.checkNow(id, req.as_of)) };
  }
}
