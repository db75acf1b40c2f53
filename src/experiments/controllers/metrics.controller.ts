import { Controller } from '@nestjs/common';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { compact } from '../../common/wire';
import { runIdOf } from '../dtos/run-id';
import { BulkIntervalReq, BulkIntervalRes, GetHistoryReq, GetHistoryRes } from '../dtos/runs.dto';
import { metricToWire, metricWithRunIdToWire } from '../dtos/tracking.mapper';
import { RunsService } from '../runs.service';

@Controller()
export class MetricsController {
  constructor(private readonly runs: RunsService) {}

  @MlflowRpc({
    method: 'GET',
    path: 'metrics/get-history',
    request: GetHistoryReq,
    response: GetHistoryRes,
    summary: 'Every logged point of one metric, paged',
  })
  async history(@RpcArgs(GetHistoryReq) a: Infer<typeof GetHistoryReq>) {
    const page = await this.runs.metricHistory(runIdOf(a), a.metric_key, a.max_results, a.page_token);
    return compact({ metrics: page.items.map(metricToWire), next_page_token: page.nextPageToken });
  }

  @MlflowRpc({
    method: 'GET',
    path: 'metrics/get-history-bulk-interval',
    request: BulkIntervalReq,
    response: BulkIntervalRes,
    summary: 'Down-sampled histories of several runs (UI charts)',
  })
  async bulkInterval(@RpcArgs(BulkIntervalReq) a: Infer<typeof BulkIntervalReq>) {
    const metrics = await this.runs.metricHistoryBulkInterval({
      runIds: a.run_ids,
      key: a.metric_key,
      startStep: a.start_step,
      endStep: a.end_step,
      maxResults: a.max_results,
    });
    return compact({ metrics: metrics.map(metricWithRunIdToWire) });
  }
}
