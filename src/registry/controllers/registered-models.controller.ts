import { Controller } from '@nestjs/common';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { compact } from '../../common/wire';
import {
  AliasReq,
  CreateRegisteredModelReq,
  DeleteRegisteredModelTagReq,
  GetLatestVersionsReq,
  NameReq,
  RenameRegisteredModelReq,
  SearchRegisteredModelsReq,
  SearchRegisteredModelsRes,
  SetAliasReq,
  SetRegisteredModelTagReq,
  UpdateRegisteredModelReq,
} from '../dtos/registered-models.dto';
import { EmptyRes, ModelVersionRes, ModelVersionsRes, RegisteredModelRes } from '../dtos/registry-entities.dto';
import { modelVersionToWire, registeredModelToWire } from '../dtos/registry.mapper';
import { RegistryService } from '../registry.service';

type LatestArgs = Infer<typeof GetLatestVersionsReq>;

/** MLflow registered-model RPCs (mlflow-api.md §5, R1-R12). */
@Controller()
export class RegisteredModelsController {
  constructor(private readonly registry: RegistryService) {}

  @MlflowRpc({
    method: 'POST',
    path: 'registered-models/create',
    request: CreateRegisteredModelReq,
    response: RegisteredModelRes,
    summary: 'Create a registered model',
  })
  async create(@RpcArgs(CreateRegisteredModelReq) a: Infer<typeof CreateRegisteredModelReq>) {
    return { registered_model: registeredModelToWire(await this.registry.create(a.name, a.description, a.tags)) };
  }

  @MlflowRpc({
    method: 'GET',
    path: 'registered-models/get',
    request: NameReq,
    response: RegisteredModelRes,
    summary: 'Get a registered model with tags, aliases and latest versions',
  })
  async get(@RpcArgs(NameReq) a: Infer<typeof NameReq>) {
    return { registered_model: registeredModelToWire(await this.registry.get(a.name)) };
  }

  @MlflowRpc({
    method: 'POST',
    path: 'registered-models/rename',
    request: RenameRegisteredModelReq,
    response: RegisteredModelRes,
    summary: 'Rename a registered model (versions, tags and aliases follow)',
  })
  async rename(@RpcArgs(RenameRegisteredModelReq) a: Infer<typeof RenameRegisteredModelReq>) {
    return { registered_model: registeredModelToWire(await this.registry.rename(a.name, a.new_name)) };
  }

  @MlflowRpc({
    method: 'PATCH',
    path: 'registered-models/update',
    request: UpdateRegisteredModelReq,
    response: RegisteredModelRes,
    summary: 'Set (or clear) the description of a registered model',
  })
  async update(@RpcArgs(UpdateRegisteredModelReq) a: Infer<typeof UpdateRegisteredModelReq>) {
    return { registered_model: registeredModelToWire(await this.registry.update(a.name, a.description)) };
  }

  @MlflowRpc({
    method: 'DELETE',
    path: 'registered-models/delete',
    request: NameReq,
    response: EmptyRes,
    summary: 'Delete a registered model with all its versions (JSON body)',
  })
  async delete(@RpcArgs(NameReq) a: Infer<typeof NameReq>) {
    await this.registry.delete(a.name);
    return {};
  }

  @MlflowRpc({
    method: 'GET',
    path: 'registered-models/search',
    request: SearchRegisteredModelsReq,
    response: SearchRegisteredModelsRes,
    summary: 'Search registered models (filter, order_by, pages)',
  })
  async search(@RpcArgs(SearchRegisteredModelsReq) a: Infer<typeof SearchRegisteredModelsReq>) {
    const page = await this.registry.search({
      filter: a.filter,
      maxResults: a.max_results,
      orderBy: a.order_by,
      pageToken: a.page_token,
    });
    return compact({ registered_models: page.items.map(registeredModelToWire), next_page_token: page.nextPageToken });
  }

  private async latest(a: LatestArgs) {
    return compact({
      model_versions: (await this.registry.getLatestVersions(a.name, a.stages)).map(modelVersionToWire),
    });
  }

  @MlflowRpc({
    method: 'POST',
    path: 'registered-models/get-latest-versions',
    request: GetLatestVersionsReq,
    response: ModelVersionsRes,
    summary: 'Latest version per stage',
  })
  latestPost(@RpcArgs(GetLatestVersionsReq) a: LatestArgs) {
    return this.latest(a);
  }

  @MlflowRpc({
    method: 'GET',
    path: 'registered-models/get-latest-versions',
    request: GetLatestVersionsReq,
    response: ModelVersionsRes,
    summary: 'Latest version per stage (GET variant)',
  })
  latestGet(@RpcArgs(GetLatestVersionsReq) a: LatestArgs) {
    return this.latest(a);
  }

  @MlflowRpc({
    method: 'POST',
    path: 'registered-models/set-tag',
    request: SetRegisteredModelTagReq,
    response: EmptyRes,
    summary: 'Set a registered model tag',
  })
  async setTag(@RpcArgs(SetRegisteredModelTagReq) a: Infer<typeof SetRegisteredModelTagReq>) {
    await this.registry.setTag(a.name, { key: a.key, value: a.value });
    return {};
  }

  @MlflowRpc({
    method: 'DELETE',
    path: 'registered-models/delete-tag',
    request: DeleteRegisteredModelTagReq,
    response: EmptyRes,
    summary: 'Delete a registered model tag (JSON body)',
  })
  async deleteTag(@RpcArgs(DeleteRegisteredModelTagReq) a: Infer<typeof DeleteRegisteredModelTagReq>) {
    await this.registry.deleteTag(a.name, a.key);
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'registered-models/alias',
    request: SetAliasReq,
    response: EmptyRes,
    summary: 'Point an alias at a version (setting `champion` promotes it)',
  })
  async setAlias(@RpcArgs(SetAliasReq) a: Infer<typeof SetAliasReq>) {
    await this.registry.setAlias(a.name, a.alias, a.version);
    return {};
  }

  @MlflowRpc({
    method: 'DELETE',
    path: 'registered-models/alias',
    request: AliasReq,
    response: EmptyRes,
    summary: 'Delete an alias (JSON body)',
  })
  async deleteAlias(@RpcArgs(AliasReq) a: Infer<typeof AliasReq>) {
    await this.registry.deleteAlias(a.name, a.alias);
    return {};
  }

  @MlflowRpc({
    method: 'GET',
    path: 'registered-models/alias',
    request: AliasReq,
    response: ModelVersionRes,
    summary: 'Get the version an alias points to (unknown alias: 400)',
  })
  async getByAlias(@RpcArgs(AliasReq) a: Infer<typeof AliasReq>) {
    return { model_version: modelVersionToWire(await this.registry.getByAlias(a.name, a.alias)) };
  }
}
