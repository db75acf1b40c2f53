import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { metricWithRunIdToWire } from '../dtos/tracking.mapper';
import { allValues, UiTrackingService } from '../ui-tracking.service';

/** MLflow's UI-only tracking routes, under /ajax-api/2.0 only (as MLflow registers them). */
@ApiTags('MLflow UI helpers')
@Controller('ajax-api/2.0/mlflow')
export class UiTrackingController {
  constructor(private readonly ui: UiTrackingService) {}

  @Get('metrics/get-history-bulk')
  @ApiOperation({ summary: 'Full histories of one metric for up to 100 runs (sorted by run id, then time)' })
  @ApiQuery({ name: 'run_id', isArray: true, type: String })
  @ApiQuery({ name: 'metric_key', type: String })
  @ApiQuery({ name: 'max_results', required: false, type: Number, description: 'At most 25000 (the default)' })
  async historyBulk(@Query() q: Record<string, unknown>) {
    const key = allValues(q.metric_key)[0];
    const metrics = await this.ui.metricHistoryBulk(allValues(q.run_id), key, q.max_results);
    return { metrics: metrics.map(metricWithRunIdToWire) };
  }

  @Post('experiments/search-datasets')
  @HttpCode(200)
  @ApiOperation({ summary: 'Datasets used as run inputs in up to 20 experiments' })
  @ApiBody({ schema: { type: 'object', properties: { experiment_ids: { type: 'array', items: { type: 'string' } } } } })
  async searchDatasets(@Body() body: Record<string, unknown> | undefined) {
    const summaries = await this.ui.searchDatasets(body?.experiment_ids);
    return {
      dataset_summaries: summaries.map((s) => ({
        experiment_id: s.experimentId,
        name: s.name,
        digest: s.digest,
        context: s.context,
      })),
    };
  }
}
