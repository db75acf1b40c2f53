import { compact, wireDouble } from '../../common/wire';
import type { LoggedModel, ModelMetric } from './logged-model.types';

function modelMetricToWire(m: ModelMetric) {
  return compact({
    key: m.key,
    value: wireDouble(m.value),
    timestamp: m.timestamp,
    step: m.step,
    dataset_name: m.datasetName,
    dataset_digest: m.datasetDigest,
    model_id: m.modelId,
    run_id: m.runId,
  });
}

/** MLflow emits `model_type` and `source_run_id` as "" when they were not sent. */
export function loggedModelToWire(m: LoggedModel) {
  const i = m.info;
  return {
    info: compact({
      model_id: i.modelId,
      experiment_id: i.experimentId,
      name: i.name,
      creation_timestamp_ms: i.creationTimestampMs,
      last_updated_timestamp_ms: i.lastUpdatedTimestampMs,
      artifact_uri: i.artifactLocation,
      status: i.status,
      model_type: i.modelType,
      source_run_id: i.sourceRunId,
      tags: i.tags.map(({ key, value }) => ({ key, value })),
    }),
    data: compact({
      params: m.params.map(({ key, value }) => ({ key, value })),
      metrics: m.metrics.map(modelMetricToWire),
    }),
  };
}
