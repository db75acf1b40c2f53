import { Controller } from '@nestjs/common';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { compact } from '../../common/wire';
import { EmptyRes } from '../dtos/experiments.dto';
import { runIdOf } from '../dtos/run-id';
import {
  CreateRunReq,
  DeleteTagReq,
  LogBatchReq,
  LogInputsReq,
  LogMetricReq,
  LogModelReq,
  LogOutputsReq,
  LogParamReq,
  RunIdReq,
  RunRes,
  SearchRunsReq,
  SearchRunsRes,
  SetTagReq,
  UpdateRunReq,
  UpdateRunRes,
} from '../dtos/runs.dto';
import { runInfoToWire, runToWire } from '../dtos/tracking.mapper';
import { RunInputsService } from '../run-inputs.service';
import { RunsService } from '../runs.service';

const kv = (items?: { key: string; value?: string }[]) =>
  (items ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }));

@Controller()
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly inputs: RunInputsService,
  ) {}

  @MlflowRpc({ method: 'POST', path: 'runs/create', request: CreateRunReq, response: RunRes, summary: 'Create a run' })
  async create(@RpcArgs(CreateRunReq) a: Infer<typeof CreateRunReq>) {
    const run = await this.runs.create({
      experimentId: a.experiment_id,
      userId: a.user_id,
      runName: a.run_name,
      startTime: a.start_time,
      tags: kv(a.tags),
    });
    return { run: runToWire(run) };
  }

  @MlflowRpc({
    method: 'GET',
    path: 'runs/get',
    request: RunIdReq,
    response: RunRes,
    summary: 'Get a run (active or deleted)',
  })
  async get(@RpcArgs(RunIdReq) a: Infer<typeof RunIdReq>) {
    return { run: runToWire(await this.runs.get(runIdOf(a))) };
  }

  @MlflowRpc({
    method: 'POST',
    path: 'runs/update',
    request: UpdateRunReq,
    response: UpdateRunRes,
    summary: 'Update status, end time or name of a run',
  })
  async update(@RpcArgs(UpdateRunReq) a: Infer<typeof UpdateRunReq>) {
    const info = await this.runs.update(runIdOf(a), { status: a.status, endTime: a.end_time, runName: a.run_name });
    return { run_info: runInfoToWire(info) };
  }

  @MlflowRpc({
    method: 'POST',
    path: 'runs/delete',
    request: RunIdReq,
    response: EmptyRes,
    summary: 'Soft-delete a run',
  })
  async delete(@RpcArgs(RunIdReq) a: Infer<typeof RunIdReq>) {
    await this.runs.delete(runIdOf(a));
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'runs/restore',
    request: RunIdReq,
    response: EmptyRes,
    summary: 'Restore a deleted run',
  })
  async restore(@RpcArgs(RunIdReq) a: Infer<typeof RunIdReq>) {
    await this.runs.restore(runIdOf(a));
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'runs/search',
    request: SearchRunsReq,
    response: SearchRunsRes,
    summary: 'Search runs (filter, order_by, pages)',
  })
  async search(@RpcArgs(SearchRunsReq) a: Infer<typeof SearchRunsReq>) {
    const page = await this.runs.search({
      experimentIds: a.experiment_ids,
      filter: a.filter,
      viewType: a.run_view_type,
      maxResults: a.max_results,
      orderBy: a.order_by,
      pageToken: a.page_token,
    });
    return compact({ runs: page.items.map(runToWire), next_page_token: page.nextPageToken });
  }

  @MlflowRpc({
    method: 'POST',
    path: 'runs/log-metric',
    request: LogMetricReq,
    response: EmptyRes,
    summary: 'Log one metric point',
  })
  async logMetric(@RpcArgs(LogMetricReq) a: Infer<typeof LogMetricReq>) {
    await this.runs.logMetric(runIdOf(a), {
      key: a.key,
      value: a.value,
      timestamp: a.timestamp,
      step: a.step ?? 0,
      modelId: a.model_id,
      datasetName: a.dataset_name,
      datasetDigest: a.dataset_digest,
    });
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'runs/log-parameter',
    request: LogParamReq,
    response: EmptyRes,
    summary: 'Log a param (immutable)',
  })
  async logParam(@RpcArgs(LogParamReq) a: Infer<typeof LogParamReq>) {
    await this.runs.logParam(runIdOf(a), { key: a.key, value: a.value ?? '' });
    return {};
  }

  @MlflowRpc({ method: 'POST', path: 'runs/set-tag', request: SetTagReq, response: EmptyRes, summary: 'Set a run tag' })
  async setTag(@RpcArgs(SetTagReq) a: Infer<typeof SetTagReq>) {
    await this.runs.setTag(runIdOf(a), { key: a.key, value: a.value ?? '' });
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'runs/delete-tag',
    request: DeleteTagReq,
    response: EmptyRes,
    summary: 'Delete a run tag',
  })
  async deleteTag(@RpcArgs(DeleteTagReq) a: Infer<typeof DeleteTagReq>) {
    await this.runs.deleteTag(runIdOf(a), a.key);
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'runs/log-batch',
    request: LogBatchReq,
    response: EmptyRes,
    summary: 'Log metrics, params and tags in one transaction',
  })
  async logBatch(@RpcArgs(LogBatchReq) a: Infer<typeof LogBatchReq>) {
    await this.runs.logBatch(a.run_id, {
      metrics: a.metrics?.map((m) => ({
        key: m.key,
        value: m.value,
        timestamp: m.timestamp,
        step: m.step ?? 0,
        modelId: m.model_id,
        datasetName: m.dataset_name,
        datasetDigest: m.dataset_digest,
      })),
      params: kv(a.params),
      tags: kv(a.tags),
    });
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'runs/log-inputs',
    request: LogInputsReq,
    response: EmptyRes,
    summary: 'Log dataset inputs (and MLflow 3 logged-model inputs) of a run',
  })
  async logInputs(@RpcArgs(LogInputsReq) a: Infer<typeof LogInputsReq>) {
    await this.inputs.logInputs(
      a.run_id,
      (a.datasets ?? []).map((d) => ({
        tags: kv(d.tags),
        dataset: {
          name: d.dataset.name,
          digest: d.dataset.digest,
          sourceType: d.dataset.source_type,
          source: d.dataset.source,
          schema: d.dataset.schema,
          profile: d.dataset.profile,
        },
      })),
      (a.models ?? []).map((m) => m.model_id),
    );
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'runs/outputs',
    request: LogOutputsReq,
    response: EmptyRes,
    summary: 'Record logged models produced by a run (MLflow 3)',
  })
  async logOutputs(@RpcArgs(LogOutputsReq) a: Infer<typeof LogOutputsReq>) {
    await this.inputs.logOutputs(
      a.run_id,
      a.models.map((m) => ({ modelId: m.model_id, step: m.step ?? 0 })),
    );
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'runs/log-model',
    request: LogModelReq,
    response: EmptyRes,
    summary: 'Record a logged model in tag mlflow.log-model.history',
  })
  async logModel(@RpcArgs(LogModelReq) a: Infer<typeof LogModelReq>) {
    await this.inputs.logModel(a.run_id, a.model_json);
    return {};
  }
}
