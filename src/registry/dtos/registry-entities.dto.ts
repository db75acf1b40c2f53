import { f, message } from '../../common/proto/fields';
import { STAGES } from '../registry.types';

/** MLflow's registry entities (model_registry.proto) as wire messages (mlflow-api.md §3.6-3.8). */

export const RegistryTagMsg = message({
  key: f.string().required().doc('Tag key (<= 250 chars; letters, digits, _ - . space / :)', 'team'),
  value: f.string().doc('Tag value (<= 5000 chars, may be empty)', 'forecasting'),
});

export const MODEL_VERSION_STATUSES = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'] as const;

export const ModelVersionMsg = message({
  name: f.string().doc('Registered model name', 'lstm-msft'),
  version: f.string().doc('Version number as a string', '3'),
  creation_timestamp: f.int64().doc('Unix epoch ms', 1714000000000),
  last_updated_timestamp: f.int64().doc('Unix epoch ms', 1714000000000),
  user_id: f.string(),
  current_stage: f.enum(STAGES).doc('Stage (deprecated in favour of aliases, still used)', 'None'),
  description: f.string().doc('Omitted when empty'),
  source: f
    .string()
    .doc(
      'URI of the model directory, as given at creation',
      'mlflow-artifacts:/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts/model',
    ),
  run_id: f.string().doc('Run that produced the model', '0a1b2c3d4e5f60718293a4b5c6d7e8f9'),
  status: f.enum(MODEL_VERSION_STATUSES).doc('Always READY: registration is synchronous', 'READY'),
  status_message: f.string(),
  tags: f.repeated(f.message(RegistryTagMsg)),
  run_link: f.string(),
  aliases: f.repeated(f.string()).doc('Aliases pointing at this version', ['champion']),
});

export const AliasMsg = message({
  alias: f.string().doc('Alias name', 'champion'),
  version: f.string().doc('Version it points to', '3'),
});

export const RegisteredModelMsg = message({
  name: f.string().doc('Unique, case-sensitive name', 'lstm-msft'),
  creation_timestamp: f.int64().doc('Unix epoch ms', 1714000000000),
  last_updated_timestamp: f.int64().doc('Unix epoch ms', 1714000100000),
  description: f.string().doc('Omitted when empty'),
  latest_versions: f.repeated(f.message(ModelVersionMsg)).doc('Per stage, the highest version in it'),
  tags: f.repeated(f.message(RegistryTagMsg)),
  aliases: f.repeated(f.message(AliasMsg)),
});

export const RegisteredModelRes = message({ registered_model: f.message(RegisteredModelMsg) });
export const ModelVersionRes = message({ model_version: f.message(ModelVersionMsg) });
export const ModelVersionsRes = message({ model_versions: f.repeated(f.message(ModelVersionMsg)) });
export const EmptyRes = message({});

/** Registered model name argument. */
export const modelName = () => f.string().required().doc('Registered model name (exact, case-sensitive)', 'lstm-msft');
/** Version argument: an integer string (JSON numbers accepted too). */
export const versionArg = () => f.string().numeric().required().doc('Version number', '1');
