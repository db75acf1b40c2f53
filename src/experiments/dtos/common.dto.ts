import { f, message } from '../../common/proto/fields';
import { RUN_STATUSES, VIEW_TYPES } from '../tracking.types';

export const KeyValueMsg = message({
  key: f.string().required().doc('Key', 'mlflow.note.content'),
  value: f.string().doc('Value (may be empty)', 'a note'),
});

export const MetricMsg = message({
  key: f.string().required().doc('Metric name', 'val_loss'),
  value: f.double().required().doc('Value; "NaN", "Infinity", "-Infinity" accepted', 0.25),
  timestamp: f.int64().required().doc('Unix epoch milliseconds', 1714000000000),
  step: f.int64().doc('Step (default 0)', 3),
});

/** MLflow 3 metric fields: a point may be linked to a logged model and a dataset. */
export const ModelLinkFields = {
  model_id: f
    .string()
    .doc('Logged model the point is also recorded for (MLflow 3)', 'm-0a1b2c3d4e5f60718293a4b5c6d7e8f9'),
  dataset_name: f.string().doc('Dataset the metric was computed on (MLflow 3)', 'MSFT daily'),
  dataset_digest: f.string().doc('Digest of that dataset (MLflow 3)', 'a1b2c3d4'),
};

/** A metric as logged: MLflow 3 clients add the model link and an informational per-metric run_id. */
export const LoggedMetricMsg = message({
  ...MetricMsg,
  ...ModelLinkFields,
  run_id: f.string().doc("Informational (the request's run_id is authoritative)"),
});

export const ExperimentMsg = message({
  experiment_id: f.string().doc('Experiment id (a string)', '1'),
  name: f.string().doc('Unique name', 'lstm-msft'),
  artifact_location: f.string().doc('Artifact root of the experiment', 'mlflow-artifacts:/1'),
  lifecycle_stage: f.enum(['active', 'deleted'] as const),
  last_update_time: f.int64(),
  creation_time: f.int64(),
  tags: f.repeated(f.message(KeyValueMsg)),
});

export const RunInfoMsg = message({
  run_id: f.string().doc('32 lowercase hex characters', '0a1b2c3d4e5f60718293a4b5c6d7e8f9'),
  run_uuid: f.string().doc('Deprecated alias of run_id'),
  run_name: f.string().doc('Run name', 'bold-fox-123'),
  experiment_id: f.string().doc('Experiment id', '1'),
  user_id: f.string(),
  status: f.enum(RUN_STATUSES),
  start_time: f.int64(),
  end_time: f.int64(),
  artifact_uri: f
    .string()
    .doc('Artifact root of the run', 'mlflow-artifacts:/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts'),
  lifecycle_stage: f.enum(['active', 'deleted'] as const),
});

export const DatasetMsg = message({
  name: f.string().required().doc('Dataset name', 'MSFT daily'),
  digest: f.string().required().doc('Content digest (<= 36 chars)', 'a1b2c3d4'),
  source_type: f.string().required().doc('Source type', 'yahoo'),
  source: f.string().required().doc('JSON-encoded source description', '{"uri": "data/MSFT.csv"}'),
  schema: f.string().doc('JSON-encoded schema'),
  profile: f.string().doc('JSON-encoded profile'),
});

export const DatasetInputMsg = message({
  tags: f.repeated(f.message(KeyValueMsg)),
  dataset: f.message(DatasetMsg).required(),
});

export const RunMsg = message({
  info: f.message(RunInfoMsg),
  data: f.message({
    metrics: f.repeated(f.message(MetricMsg)),
    params: f.repeated(f.message(KeyValueMsg)),
    tags: f.repeated(f.message(KeyValueMsg)),
  }),
  inputs: f.message({
    dataset_inputs: f.repeated(f.message(DatasetInputMsg)),
    model_inputs: f.repeated(f.message({ model_id: f.string() })),
  }),
  outputs: f.message({ model_outputs: f.repeated(f.message({ model_id: f.string(), step: f.int64() })) }),
});

export const ViewTypeField = () =>
  f.enum(VIEW_TYPES).doc('Which lifecycle stages to include (default ACTIVE_ONLY)', 'ACTIVE_ONLY');
