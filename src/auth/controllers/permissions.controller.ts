import { Controller } from '@nestjs/common';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import {
  EmptyRes,
  ExperimentPermissionKeyReq,
  ExperimentPermissionReq,
  ExperimentPermissionRes,
  ModelPermissionKeyReq,
  ModelPermissionReq,
  ModelPermissionRes,
} from '../dtos/auth.dto';
import { experimentPermissionToWire, modelPermissionToWire } from '../dtos/auth.mapper';
import { PermissionsService } from '../permissions.service';

type ExpArgs = Infer<typeof ExperimentPermissionReq>;
type ExpKey = Infer<typeof ExperimentPermissionKeyReq>;
type ModelArgs = Infer<typeof ModelPermissionReq>;
type ModelKey = Infer<typeof ModelPermissionKeyReq>;

/** MLflow's permission API: needs MANAGE on the experiment or model (admins have it everywhere). */
@Controller()
export class PermissionsController {
  constructor(private readonly permissions: PermissionsService) {}

  @MlflowRpc({
    method: 'POST',
    path: 'experiments/permissions/create',
    request: ExperimentPermissionReq,
    response: ExperimentPermissionRes,
    summary: 'Grant a user a permission on an experiment',
  })
  async createExperiment(@RpcArgs(ExperimentPermissionReq) a: ExpArgs) {
    const p = await this.permissions.createExperiment(a.experiment_id, a.username, a.permission);
    return { experiment_permission: experimentPermissionToWire(p) };
  }

  @MlflowRpc({
    method: 'GET',
    path: 'experiments/permissions/get',
    request: ExperimentPermissionKeyReq,
    response: ExperimentPermissionRes,
    summary: "A user's permission on an experiment",
  })
  async getExperiment(@RpcArgs(ExperimentPermissionKeyReq) a: ExpKey) {
    return {
      experiment_permission: experimentPermissionToWire(
        await this.permissions.getExperiment(a.experiment_id, a.username),
      ),
    };
  }

  @MlflowRpc({
    method: 'PATCH',
    path: 'experiments/permissions/update',
    request: ExperimentPermissionReq,
    response: EmptyRes,
    summary: "Change a user's permission on an experiment",
  })
  async updateExperiment(@RpcArgs(ExperimentPermissionReq) a: ExpArgs) {
    await this.permissions.updateExperiment(a.experiment_id, a.username, a.permission);
    return {};
  }

  @MlflowRpc({
    method: 'DELETE',
    path: 'experiments/permissions/delete',
    request: ExperimentPermissionKeyReq,
    response: EmptyRes,
    summary: "Remove a user's permission on an experiment (the default permission applies again)",
  })
  async deleteExperiment(@RpcArgs(ExperimentPermissionKeyReq) a: ExpKey) {
    await this.permissions.deleteExperiment(a.experiment_id, a.username);
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'registered-models/permissions/create',
    request: ModelPermissionReq,
    response: ModelPermissionRes,
    summary: 'Grant a user a permission on a registered model',
  })
  async createModel(@RpcArgs(ModelPermissionReq) a: ModelArgs) {
    const p = await this.permissions.createModel(a.name, a.username, a.permission);
    return { registered_model_permission: modelPermissionToWire(p) };
  }

  @MlflowRpc({
    method: 'GET',
    path: 'registered-models/permissions/get',
    request: ModelPermissionKeyReq,
    response: ModelPermissionRes,
    summary: "A user's permission on a registered model",
  })
  async getModel(@RpcArgs(ModelPermissionKeyReq) a: ModelKey) {
    return { registered_model_permission: modelPermissionToWire(await this.permissions.getModel(a.name, a.username)) };
  }

  @MlflowRpc({
    method: 'PATCH',
    path: 'registered-models/permissions/update',
    request: ModelPermissionReq,
    response: EmptyRes,
    summary: "Change a user's permission on a registered model",
  })
  async updateModel(@RpcArgs(ModelPermissionReq) a: ModelArgs) {
    await this.permissions.updateModel(a.name, a.username, a.permission);
    return {};
  }

  @MlflowRpc({
    method: 'DELETE',
    path: 'registered-models/permissions/delete',
    request: ModelPermissionKeyReq,
    response: EmptyRes,
    summary: "Remove a user's permission on a registered model",
  })
  async deleteModel(@RpcArgs(ModelPermissionKeyReq) a: ModelKey) {
    await this.permissions.deleteModel(a.name, a.username);
    return {};
  }
}
