import { Controller, Param } from '@nestjs/common';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { compact } from '../../common/wire';
import { EmptyRes } from '../dtos/experiments.dto';
import {
  CreateLoggedModelReq,
  DeleteLoggedModelReq,
  FinalizeLoggedModelReq,
  LoggedModelRes,
  LogLoggedModelParamsReq,
  NoArgsReq,
  SearchLoggedModelsReq,
  SearchLoggedModelsRes,
  SetLoggedModelTagsReq,
} from './logged-models.dto';
import { loggedModelToWire } from './logged-models.mapper';
import { LoggedModelsService } from './logged-models.service';

const kv = (items?: { key: string; value?: string }[]) => items?.map((t) => ({ key: t.key, value: t.value ?? '' }));

/** MLflow 3 logged models (mlflow3-api.md §3, L1-L9). The path's model id is authoritative. */
@Controller()
export class LoggedModelsController {
  constructor(private readonly models: LoggedModelsService) {}

  @MlflowRpc({
    method: 'POST',
    path: 'logged-models',
    request: CreateLoggedModelReq,
    response: LoggedModelRes,
    summary: 'Create a logged model (status PENDING)',
  })
  async create(@RpcArgs(CreateLoggedModelReq) a: Infer<typeof CreateLoggedModelReq>) {
    const model = await this.models.create({
      experimentId: a.experiment_id,
      name: a.name,
      modelType: a.model_type,
      sourceRunId: a.source_run_id,
      params: kv(a.params),
      tags: kv(a.tags),
    });
    return { model: loggedModelToWire(model) };
  }

  @MlflowRpc({
    method: 'POST',
    path: 'logged-models/search',
    request: SearchLoggedModelsReq,
    response: SearchLoggedModelsRes,
    summary: 'Search logged models (filter, datasets, order_by objects, pages)',
  })
  async search(@RpcArgs(SearchLoggedModelsReq) a: Infer<typeof SearchLoggedModelsReq>) {
    const page = await this.models.search({
      experimentIds: a.experiment_ids,
      filter: a.filter,
      datasets: a.datasets,
      maxResults: a.max_results,
      orderBy: a.order_by,
      pageToken: a.page_token,
    });
    return compact({ models: page.models.map(loggedModelToWire), next_page_token: page.nextPageToken });
  }

  @MlflowRpc({
    method: 'GET',
    path: 'logged-models/:model_id',
    request: NoArgsReq,
    response: LoggedModelRes,
    summary: 'Get a logged model',
  })
  async get(@Param('model_id') modelId: string) {
    return { model: loggedModelToWire(await this.models.get(modelId)) };
  }

  @MlflowRpc({
    method: 'DELETE',
    path: 'logged-models/:model_id',
    request: DeleteLoggedModelReq,
    response: EmptyRes,
    summary: 'Soft-delete a logged model (artifacts stay)',
  })
  async delete(@Param('model_id') modelId: string) {
    await this.models.delete(modelId);
    return {};
  }

  @MlflowRpc({
    method: 'PATCH',
    path: 'logged-models/:model_id',
    request: FinalizeLoggedModelReq,
    response: LoggedModelRes,
    summary: 'Finalize a logged model (status READY or UPLOAD_FAILED)',
  })
  async finalize(
    @Param('model_id') modelId: string,
    @RpcArgs(FinalizeLoggedModelReq) a: Infer<typeof FinalizeLoggedModelReq>,
  ) {
    return { model: loggedModelToWire(await this.models.finalize(modelId, a.status)) };
  }

  @MlflowRpc({
    method: 'PATCH',
    path: 'logged-models/:model_id/tags',
    request: SetLoggedModelTagsReq,
    response: EmptyRes,
    summary: 'Set tags of a logged model (upsert)',
  })
  async setTags(
    @Param('model_id') modelId: string,
    @RpcArgs(SetLoggedModelTagsReq) a: Infer<typeof SetLoggedModelTagsReq>,
  ) {
    await this.models.setTags(modelId, kv(a.tags));
    return {};
  }

  @MlflowRpc({
    method: 'DELETE',
    path: 'logged-models/:model_id/tags/:tag_key',
    request: NoArgsReq,
    response: EmptyRes,
    summary: 'Delete a tag of a logged model',
  })
  async deleteTag(@Param('model_id') modelId: string, @Param('tag_key') key: string) {
    await this.models.deleteTag(modelId, key);
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'logged-models/:model_id/params',
    request: LogLoggedModelParamsReq,
    response: EmptyRes,
    summary: 'Log params of a logged model (immutable)',
  })
  async logParams(
    @Param('model_id') modelId: string,
    @RpcArgs(LogLoggedModelParamsReq) a: Infer<typeof LogLoggedModelParamsReq>,
  ) {
    await this.models.logParams(modelId, kv(a.params));
    return {};
  }
}
