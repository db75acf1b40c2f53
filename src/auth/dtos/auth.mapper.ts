import type { ExperimentPermission, ModelPermission, User } from '../auth.types';

export const experimentPermissionToWire = (p: ExperimentPermission) => ({
  experiment_id: p.experimentId,
  user_id: p.userId,
  permission: p.permission,
});

export const modelPermissionToWire = (p: ModelPermission) => ({
  name: p.name,
  user_id: p.userId,
  permission: p.permission,
});

export function userToWire(user: User, experiments: ExperimentPermission[] = [], models: ModelPermission[] = []) {
  return {
    id: user.id,
    username: user.username,
    is_admin: user.isAdmin,
    experiment_permissions: experiments.map(experimentPermissionToWire),
    registered_model_permissions: models.map(modelPermissionToWire),
    // MLflow 3's AuthServiceClient reads this key (User.from_json); tsflow has no scorers.
    scorer_permissions: [],
  };
}
