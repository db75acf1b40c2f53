import { Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { TrackingStore } from '../experiments/tracking.store';
import { ModelRegistryStore } from '../registry/model-registry.store';
import { AuthService } from './auth.service';
import { AuthStore } from './auth.store';
import type { ExperimentPermission, ModelPermission } from './auth.types';
import type { Permission } from './permissions';

/** MLflow's permission API: grants of one user on one experiment or registered model. */
@Injectable()
export class PermissionsService {
  constructor(
    private readonly auth: AuthService,
    private readonly store: AuthStore,
    private readonly tracking: TrackingStore,
    private readonly registry: ModelRegistryStore,
  ) {}

  private async userId(username: string): Promise<number> {
    return (await this.auth.user(username)).id;
  }

  private async experiment(experimentId: string): Promise<void> {
    if (!/^\d{1,19}$/.test(experimentId) || !(await this.tracking.getExperiment(experimentId)))
      throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
  }

  private async model(name: string): Promise<void> {
    if (!(await this.registry.getRegisteredModel(name)))
      throw MlflowError.notFound(`Registered Model with name=${name} not found`);
  }

  async createExperiment(
    experimentId: string,
    username: string,
    permission: Permission,
  ): Promise<ExperimentPermission> {
    await this.experiment(experimentId);
    const userId = await this.userId(username);
    await this.store.createExperimentPermission(experimentId, userId, permission);
    return { experimentId, userId, permission };
  }

  async getExperiment(experimentId: string, username: string): Promise<ExperimentPermission> {
    const userId = await this.userId(username);
    const permission = await this.store.getExperimentPermission(experimentId, userId);
    if (!permission)
      throw MlflowError.notFound(
        `Experiment permission with experiment_id=${experimentId} and username=${username} not found`,
      );
    return { experimentId, userId, permission };
  }

  async updateExperiment(experimentId: string, username: string, permission: Permission): Promise<void> {
    await this.store.updateExperimentPermission(experimentId, await this.userId(username), permission);
  }

  async deleteExperiment(experimentId: string, username: string): Promise<void> {
    await this.store.deleteExperimentPermission(experimentId, await this.userId(username));
  }

  async createModel(name: string, username: string, permission: Permission): Promise<ModelPermission> {
    await this.model(name);
    const userId = await this.userId(username);
    await this.store.createModelPermission(name, userId, permission);
    return { name, userId, permission };
  }

  async getModel(name: string, username: string): Promise<ModelPermission> {
    const userId = await this.userId(username);
    const permission = await this.store.getModelPermission(name, userId);
    if (!permission)
      throw MlflowError.notFound(`Registered model permission with name=${name} and username=${username} not found`);
    return { name, userId, permission };
  }

  async updateModel(name: string, username: string, permission: Permission): Promise<void> {
    await this.store.updateModelPermission(name, await this.userId(username), permission);
  }

  async deleteModel(name: string, username: string): Promise<void> {
    await this.store.deleteModelPermission(name, await this.userId(username));
  }

  async userWithGrants(username: string) {
    const user = await this.auth.user(username);
    return {
      user,
      experiments: await this.store.experimentPermissions(user.id),
      models: await this.store.modelPermissions(user.id),
    };
  }
}
