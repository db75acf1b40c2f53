import { f, message } from '../../common/proto/fields';
import { ModelVersionMsg, modelName, RegistryTagMsg, versionArg } from './registry-entities.dto';

export const CreateModelVersionReq = message({
  name: modelName(),
  source: f
    .string()
    .required()
    .doc(
      'Model directory: mlflow-artifacts:/..., runs:/<run_id>/<path>, models:/<name>/<version>|@<alias> or models:/<model_id>',
      'runs:/0a1b2c3d4e5f60718293a4b5c6d7e8f9/model',
    ),
  run_id: f.string().doc('Run that produced the model', '0a1b2c3d4e5f60718293a4b5c6d7e8f9'),
  model_id: f
    .string()
    .doc('MLflow 3: the logged model registered (source models:/<model_id>)', 'm-0a1b2c3d4e5f60718293a4b5c6d7e8f9'),
  tags: f.repeated(f.message(RegistryTagMsg)),
  run_link: f.string().doc('Link to the run (free text)'),
  description: f.string().doc('Free text', 'Trained on 2015-2024 closes'),
});

export const VersionReq = message({ name: modelName(), version: versionArg() });

export const UpdateModelVersionReq = message({
  name: modelName(),
  version: versionArg(),
  description: f.string().doc('New description (absent clears it)', 'Best validation MAE so far'),
});

export const SearchModelVersionsReq = message({
  filter: f
    .string()
    .doc(
      'AND of name, version_number, run_id (also IN), source_path, tags.<key> comparisons',
      "name = 'lstm-msft' AND version_number > 2",
    ),
  max_results: f.int64().doc('Page size, 1..200000 (default 200000; the Python client sends 10000)', 100),
  order_by: f
    .repeated(f.string())
    .doc('name | version_number | creation_timestamp | last_updated_timestamp [ASC|DESC]', ['version_number DESC']),
  page_token: f.string().doc('Token from the previous page'),
});

export const SearchModelVersionsRes = message({
  model_versions: f.repeated(f.message(ModelVersionMsg)),
  next_page_token: f.string(),
});

export const TransitionStageReq = message({
  name: modelName(),
  version: versionArg(),
  stage: f.string().required().doc('None | Staging | Production | Archived (case-insensitive)', 'Production'),
  archive_existing_versions: f
    .bool()
    .doc('Archive the other versions in the target stage (Staging/Production only)', true),
});

export const SetModelVersionTagReq = message({
  name: modelName(),
  version: versionArg(),
  key: f.string().required().doc('Tag key', 'validation_status'),
  value: f.string().doc('Tag value (required, may be empty; <= 5000 chars)', 'approved'),
});

export const DeleteModelVersionTagReq = message({
  name: modelName(),
  version: versionArg(),
  key: f.string().required().doc('Tag key', 'validation_status'),
});

export const DownloadUriRes = message({
  artifact_uri: f
    .string()
    .doc('Where the model files are', 'mlflow-artifacts:/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts/model'),
});
