import type { Metric, RunInfo, RunStatus, LifecycleStage, Experiment, KeyValue } from '../tracking.types';

const MAX_DOUBLE = 1.7976931348623157e308;

/**
 * MLflow's SQL encoding of metric values: NaN is stored as 0 with an is_nan flag, ±Infinity
 * as ±max double (mlflow-api.md §9).
 */
export function encodeMetricValue(value: number): { value: number; isNan: 0 | 1 } {
  if (Number.isNaN(value)) return { value: 0, isNan: 1 };
  if (value === Infinity) return { value: MAX_DOUBLE, isNan: 0 };
  if (value === -Infinity) return { value: -MAX_DOUBLE, isNan: 0 };
  return { value, isNan: 0 };
}

export interface MetricRow {
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
}

export function metricFromRow(r: MetricRow): Metric {
  return {
    key: r.key,
    value: Number(r.is_nan) ? NaN : Number(r.value),
    timestamp: Number(r.timestamp),
    step: Number(r.step),
  };
}

export interface RunRow {
  run_uuid: string;
  name: string;
  experiment_id: number | string;
  user_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: string;
  artifact_uri: string;
}

export const RUN_COLUMNS =
  'r.run_uuid, r.name, r.experiment_id, r.user_id, r.status, r.start_time, r.end_time, r.lifecycle_stage, r.artifact_uri';

export function runInfoFromRow(r: RunRow): RunInfo {
  return {
    runId: r.run_uuid,
    runName: r.name,
    experimentId: String(r.experiment_id),
    userId: r.user_id,
    status: r.status as RunStatus,
    startTime: Number(r.start_time),
    endTime: r.end_time === null || r.end_time === undefined ? null : Number(r.end_time),
    artifactUri: r.artifact_uri,
    lifecycleStage: r.lifecycle_stage as LifecycleStage,
  };
}

export interface ExperimentRow {
  experiment_id: number | string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

export function experimentFromRow(r: ExperimentRow, tags: KeyValue[]): Experiment {
  return {
    experimentId: String(r.experiment_id),
    name: r.name,
    artifactLocation: r.artifact_location,
    lifecycleStage: r.lifecycle_stage as LifecycleStage,
    creationTime: Number(r.creation_time),
    lastUpdateTime: Number(r.last_update_time),
    tags,
  };
}
