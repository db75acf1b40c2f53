import { f, message } from '../../common/proto/fields';
import { PERMISSION_NAMES } from '../permissions';

const username = () => f.string().required().doc('User name', 'alice');
const permission = () => f.enum(PERMISSION_NAMES).required().doc('READ, EDIT, MANAGE or NO_PERMISSIONS', 'EDIT');
const experimentId = () => f.string().numeric().required().doc('Experiment id', '1');
const modelName = () => f.string().required().doc('Registered model name', 'lstm-msft');

export const ExperimentPermissionMsg = message({
  experiment_id: f.string(),
  user_id: f.int64(),
  permission: f.enum(PERMISSION_NAMES),
});
export const ModelPermissionMsg = message({
  name: f.string(),
  user_id: f.int64(),
  permission: f.enum(PERMISSION_NAMES),
});
/** MLflow 3 scorer grants: tsflow has no scorers, the list is always empty (the 3.x auth client reads it). */
export const ScorerPermissionMsg = message({
  experiment_id: f.string(),
  scorer_name: f.string(),
  user_id: f.int64(),
  permission: f.enum(PERMISSION_NAMES),
});
export const UserMsg = message({
  id: f.int64(),
  username: f.string(),
  is_admin: f.bool(),
  experiment_permissions: f.repeated(f.message(ExperimentPermissionMsg)),
  registered_model_permissions: f.repeated(f.message(ModelPermissionMsg)),
  scorer_permissions: f.repeated(f.message(ScorerPermissionMsg)),
});

export const CreateUserReq = message({
  username: username(),
  password: f.string().required().doc('8 to 1024 characters'),
});
export const UserReq = message({ username: username() });
export const UpdatePasswordReq = CreateUserReq;
export const UpdateAdminReq = message({ username: username(), is_admin: f.bool().required() });
export const UserRes = message({ user: f.message(UserMsg) });
export const EmptyRes = message({});

export const ExperimentPermissionReq = message({
  experiment_id: experimentId(),
  username: username(),
  permission: permission(),
});
export const ExperimentPermissionKeyReq = message({ experiment_id: experimentId(), username: username() });
export const ExperimentPermissionRes = message({ experiment_permission: f.message(ExperimentPermissionMsg) });

export const ModelPermissionReq = message({ name: modelName(), username: username(), permission: permission() });
export const ModelPermissionKeyReq = message({ name: modelName(), username: username() });
export const ModelPermissionRes = message({ registered_model_permission: f.message(ModelPermissionMsg) });

export const RevokeTokenReq = message({
  token: f.string().required().doc('A token issued by POST /api/v1/auth/tokens'),
});
export const TOKEN_SCHEMA = {
  type: 'object',
  properties: {
    token: { type: 'string', description: 'Send as `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN)' },
    username: { type: 'string' },
    expires_at: { type: 'integer', description: 'Milliseconds since the epoch' },
  },
};
