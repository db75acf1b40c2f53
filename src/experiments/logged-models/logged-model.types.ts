/** MLflow 3 LoggedModel domain types (camelCase inside; the wire mapping lives in the mapper). */
import type { Clause } from '../../common/search';
import type { KeyValue, Metric } from '../tracking.types';

export const LOGGED_MODEL_STATUSES = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
] as const;
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number];

/** Tag holding the registry versions created from a model (JSON list of {name, version}). */
export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

/** A metric point linked to a logged model (every point is kept, not only the latest). */
export interface ModelMetric extends Metric {
  modelId: string;
  runId: string;
  datasetName?: string;
  datasetDigest?: string;
}

export interface LoggedModelInfo {
  modelId: string;
  experimentId: string;
  name: string;
  /** `<experiment artifact_location>/models/<model_id>/artifacts` (the wire's `artifact_uri`). */
  artifactLocation: string;
  creationTimestampMs: number;
  lastUpdatedTimestampMs: number;
  status: LoggedModelStatus;
  modelType: string;
  sourceRunId: string;
  lifecycleStage: 'active' | 'deleted';
  tags: KeyValue[];
}

export interface LoggedModel {
  info: LoggedModelInfo;
  params: KeyValue[];
  metrics: ModelMetric[];
}

export interface CreateLoggedModelInput {
  modelId: string;
  experimentId: string;
  name: string;
  artifactLocation: string;
  modelType: string;
  sourceRunId: string;
  params: KeyValue[];
  tags: KeyValue[];
}

/** A dataset restriction of logged-model search (`datasets: [{dataset_name, dataset_digest}]`). */
export interface DatasetFilter {
  name: string;
  digest?: string;
}

/** One `order_by` object, resolved: an attribute column or a metric key. */
export interface ModelOrderKey {
  field: { attribute: string } | { metric: string };
  ascending: boolean;
  dataset?: DatasetFilter;
}

export interface SearchLoggedModelsQuery {
  experimentIds: string[];
  clauses: Clause[];
  datasets: DatasetFilter[];
  orderBy: ModelOrderKey[];
  maxResults: number;
  offset: number;
}

/** A run → logged model link recorded by `runs/outputs`. */
export interface ModelOutput {
  modelId: string;
  step: number;
}

/** A metric as a client logs it: MLflow 3 may link it to a logged model and a dataset. */
export interface LinkedMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  modelId?: string;
  datasetName?: string;
  datasetDigest?: string;
}

export const loggedModelNotFound = (modelId: string) => `Logged model with ID '${modelId}' not found.`;
