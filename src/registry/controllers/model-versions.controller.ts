import { Controller } from '@nestjs/common';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { compact } from '../../common/wire';
import {
  CreateModelVersionReq,
  DeleteModelVersionTagReq,
  DownloadUriRes,
  SearchModelVersionsReq,
  SearchModelVersionsRes,
  SetModelVersionTagReq,
  TransitionStageReq,
  UpdateModelVersionReq,
  VersionReq,
} from '../dtos/model-versions.dto';
import { EmptyRes, ModelVersionRes } from '../dtos/registry-entities.dto';
import { modelVersionToWire } from '../dtos/registry.mapper';
import { ModelVersionsService } from '../model-versions.service';

/** MLflow model-version RPCs (mlflow-api.md §5, R13-R21). */
@Controller()
export class ModelVersionsController {
  constructor(private readonly versions: ModelVersionsService) {}

  @MlflowRpc({
    method: 'POST',
    path: 'model-versions/create',
    request: CreateModelVersionReq,
    response: ModelVersionRes,
    summary: 'Register a model directory as a new version',
    description:
      'Sources: mlflow-artifacts:/..., runs:/<run_id>/<path> (resolved via the run), models:/<name>/<version> or models:/<name>@<alias>. ' +
      'Local paths, file:// URIs, relative references and other schemes are refused with 400.',
  })
  async create(@RpcArgs(CreateModelVersionReq) a: Infer<typeof CreateModelVersionReq>) {
    const version = await this.versions.create({
      name: a.name,
      source: a.source,
      runId: a.run_id,
      modelId: a.model_id,
      runLink: a.run_link,
      description: a.description,
      tags: a.tags,
    });
    return { model_version: modelVersionToWire(version) };
  }

  @MlflowRpc({
    method: 'GET',
    path: 'model-versions/get',
    request: VersionReq,
    response: ModelVersionRes,
    summary: 'Get a model version',
  })
  async get(@RpcArgs(VersionReq) a: Infer<typeof VersionReq>) {
    return { model_version: modelVersionToWire(await this.versions.get(a.name, a.version)) };
  }

  @MlflowRpc({
    method: 'PATCH',
    path: 'model-versions/update',
    request: UpdateModelVersionReq,
    response: ModelVersionRes,
    summary: 'Set (or clear) the description of a version',
  })
  async update(@RpcArgs(UpdateModelVersionReq) a: Infer<typeof UpdateModelVersionReq>) {
    return { model_version: modelVersionToWire(await this.versions.update(a.name, a.version, a.description)) };
  }

  @MlflowRpc({
    method: 'DELETE',
    path: 'model-versions/delete',
    request: VersionReq,
    response: EmptyRes,
    summary: 'Delete a version (its number is never reused; its aliases are removed)',
  })
  async delete(@RpcArgs(VersionReq) a: Infer<typeof VersionReq>) {
    await this.versions.delete(a.name, a.version);
    return {};
  }

  @MlflowRpc({
    method: 'GET',
    path: 'model-versions/search',
    request: SearchModelVersionsReq,
    response: SearchModelVersionsRes,
    summary: 'Search model versions (filter, order_by, pages)',
  })
  async search(@RpcArgs(SearchModelVersionsReq) a: Infer<typeof SearchModelVersionsReq>) {
    const page = await this.versions.search({
      filter: a.filter,
      maxResults: a.max_results,
      orderBy: a.order_by,
      pageToken: a.page_token,
    });
    return compact({ model_versions: page.items.map(modelVersionToWire), next_page_token: page.nextPageToken });
  }

  @MlflowRpc({
    method: 'POST',
    path: 'model-versions/transition-stage',
    request: TransitionStageReq,
    response: ModelVersionRes,
    summary: 'Move a version to another stage',
  })
  async transition(@RpcArgs(TransitionStageReq) a: Infer<typeof TransitionStageReq>) {
    const version = await this.versions.transitionStage(
      a.name,
      a.version,
      a.stage,
      a.archive_existing_versions ?? false,
    );
    return { model_version: modelVersionToWire(version) };
  }

  @MlflowRpc({
    method: 'POST',
    path: 'model-versions/set-tag',
    request: SetModelVersionTagReq,
    response: EmptyRes,
    summary: 'Set a model version tag',
  })
  async setTag(@RpcArgs(SetModelVersionTagReq) a: Infer<typeof SetModelVersionTagReq>) {
    await this.versions.setTag(a.name, a.version, { key: a.key, value: a.value });
    return {};
  }

  @MlflowRpc({
    method: 'DELETE',
    path: 'model-versions/delete-tag',
    request: DeleteModelVersionTagReq,
    response: EmptyRes,
    summary: 'Delete a model version tag (JSON body)',
  })
  async deleteTag(@RpcArgs(DeleteModelVersionTagReq) a: Infer<typeof DeleteModelVersionTagReq>) {
    await this.versions.deleteTag(a.name, a.version, a.key);
    return {};
  }

  @MlflowRpc({
    method: 'GET',
    path: 'model-versions/get-download-uri',
    request: VersionReq,
    response: DownloadUriRes,
    summary: 'Where the files of a version are',
  })
  async downloadUri(@RpcArgs(VersionReq) a: Infer<typeof VersionReq>) {
    return { artifact_uri: await this.versions.downloadUri(a.name, a.version) };
  }
}
