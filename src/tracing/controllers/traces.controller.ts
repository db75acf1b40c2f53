import { Controller, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { compact } from '../../common/wire';
import { EmptyRes } from '../../experiments/dtos/experiments.dto';
import {
  BatchGetTracesReq,
  BatchGetTracesRes,
  DeleteTraceTagReq,
  DeleteTracesReq,
  DeleteTracesRes,
  GetTraceArtifactReq,
  GetTraceReq,
  LinkTracesReq,
  SearchTracesReq,
  SearchTracesRes,
  SetTraceTagReq,
  StartTraceReq,
  TraceIdReq,
  TraceInfoRes,
  TraceRes,
} from '../dtos';
import { TraceArtifactsService } from '../trace-artifacts.service';
import { traceInfoFromWire, traceInfoToWire, traceToWire } from '../traces.mapper';
import { TracesService } from '../traces.service';

const V3 = ['3.0'] as const;
const BOTH = ['2.0', '3.0'] as const;

/** MLflow 3 trace REST routes (mlflow3-api.md §9.1, X1-X8, X10, the UI's get-trace-artifact). */
@Controller()
export class TracesController {
  constructor(
    private readonly traces: TracesService,
    private readonly artifacts: TraceArtifactsService,
  ) {}

  @MlflowRpc({
    method: 'POST',
    path: 'traces',
    versions: V3,
    request: StartTraceReq,
    response: TraceInfoRes,
    summary: 'Record a finished trace (X1)',
  })
  async start(@RpcArgs(StartTraceReq) a: Infer<typeof StartTraceReq>) {
    const info = await this.traces.startTrace(traceInfoFromWire(a.trace.trace_info));
    return { trace: { trace_info: traceInfoToWire(info) } };
  }

  @MlflowRpc({
    method: 'GET',
    path: 'traces/get',
    versions: V3,
    request: GetTraceReq,
    response: TraceRes,
    summary: 'One trace with its spans (X2)',
  })
  async getTrace(@RpcArgs(GetTraceReq) a: Infer<typeof GetTraceReq>) {
    return { trace: traceToWire(await this.traces.getTrace(a.trace_id, a.allow_partial ?? false)) };
  }

  @MlflowRpc({
    method: 'GET',
    path: 'traces/batchGet',
    versions: V3,
    request: BatchGetTracesReq,
    response: BatchGetTracesRes,
    summary: 'Traces with spans, in request order; unknown ids omitted (X4)',
  })
  async batchGet(@RpcArgs(BatchGetTracesReq) a: Infer<typeof BatchGetTracesReq>) {
    return compact({ traces: (await this.traces.batchGet(a.trace_ids)).map(traceToWire) });
  }

  @MlflowRpc({
    method: 'POST',
    path: 'traces/search',
    versions: V3,
    request: SearchTracesReq,
    response: SearchTracesRes,
    summary: 'Search trace infos (X5)',
  })
  async search(@RpcArgs(SearchTracesReq) a: Infer<typeof SearchTracesReq>) {
    const page = await this.traces.search({
      experimentIds: (a.locations ?? []).flatMap((l) =>
        l.mlflow_experiment?.experiment_id ? [l.mlflow_experiment.experiment_id] : [],
      ),
      filter: a.filter,
      maxResults: a.max_results,
      orderBy: a.order_by,
      pageToken: a.page_token,
    });
    return compact({ traces: page.traces.map(traceInfoToWire), next_page_token: page.nextPageToken });
  }

  @MlflowRpc({
    method: 'GET',
    path: 'traces/:trace_id',
    versions: V3,
    request: TraceIdReq,
    response: TraceInfoRes,
    summary: 'A trace info (X3)',
  })
  async getInfo(@Param('trace_id') traceId: string) {
    return { trace: { trace_info: traceInfoToWire(await this.traces.getInfo(traceId)) } };
  }

  @MlflowRpc({
    method: 'POST',
    path: 'traces/delete-traces',
    versions: BOTH,
    request: DeleteTracesReq,
    response: DeleteTracesRes,
    summary: 'Delete traces by id or age (X6)',
  })
  async delete(@RpcArgs(DeleteTracesReq) a: Infer<typeof DeleteTracesReq>) {
    const deleted = await this.traces.delete({
      experimentId: a.experiment_id,
      maxTimestampMs: a.max_timestamp_millis,
      maxTraces: a.max_traces,
      traceIds: a.request_ids,
    });
    return { traces_deleted: deleted };
  }

  @MlflowRpc({
    method: 'PATCH',
    path: 'traces/:trace_id/tags',
    versions: BOTH,
    request: SetTraceTagReq,
    response: EmptyRes,
    summary: 'Set a trace tag (X7)',
  })
  async setTag(@Param('trace_id') traceId: string, @RpcArgs(SetTraceTagReq) a: Infer<typeof SetTraceTagReq>) {
    await this.traces.setTag(traceId, a.key, a.value);
    return {};
  }

  @MlflowRpc({
    method: 'DELETE',
    path: 'traces/:trace_id/tags',
    versions: BOTH,
    request: DeleteTraceTagReq,
    response: EmptyRes,
    summary: 'Delete a trace tag (X8)',
  })
  async deleteTag(@Param('trace_id') traceId: string, @RpcArgs(DeleteTraceTagReq) a: Infer<typeof DeleteTraceTagReq>) {
    await this.traces.deleteTag(traceId, a.key);
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'traces/link-to-run',
    versions: BOTH,
    request: LinkTracesReq,
    response: EmptyRes,
    summary: 'Link traces to a run (X10)',
  })
  async link(@RpcArgs(LinkTracesReq) a: Infer<typeof LinkTracesReq>) {
    await this.traces.linkToRun(a.trace_ids, a.run_id);
    return {};
  }

  @MlflowRpc({
    method: 'GET',
    path: 'get-trace-artifact',
    request: GetTraceArtifactReq,
    summary: "A trace's span data as traces.json (UI helper, attachment)",
  })
  async artifact(@RpcArgs(GetTraceArtifactReq) a: Infer<typeof GetTraceArtifactReq>, @Res() reply: FastifyReply) {
    const body = await this.artifacts.tracesJson(a.request_id);
    reply
      .status(200)
      .header('content-type', 'application/json')
      .header('content-disposition', 'attachment; filename=traces.json')
      .send(body);
  }
}
