/**
 * What the importer carries from an MLflow store into tsflow: MLflow's entities, close to their
 * SQL rows (metric values already in MLflow's SQL encoding: NaN as 0 + is_nan, ±inf as ±max
 * double), so a database source copies them unchanged and a REST source encodes them once.
 */

export interface KV {
  key: string;
  value: string;
}

export interface SrcExperiment {
  id: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: string;
  creationTime: number;
  lastUpdateTime: number;
  tags: KV[];
}

export interface SrcMetric {
  key: string;
  value: number;
  isNan: 0 | 1;
  timestamp: number;
  step: number;
}

export interface SrcDatasetInput {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema: string | null;
  profile: string | null;
  tags: KV[];
}

export interface SrcRun {
  runId: string;
  experimentId: string;
  name: string;
  userId: string;
  status: string;
  startTime: number;
  endTime: number | null;
  deletedTime: number | null;
  lifecycleStage: string;
  artifactUri: string;
  params: KV[];
  tags: KV[];
  /** Latest value per key (MLflow's latest_metrics). */
  latest: SrcMetric[];
  inputs: SrcDatasetInput[];
  modelInputs: string[];
  modelOutputs: { modelId: string; step: number }[];
}

export interface SrcModelVersion {
  name: string;
  version: number;
  creationTime: number;
  lastUpdatedTime: number;
  description: string | null;
  userId: string | null;
  currentStage: string;
  source: string;
  storageLocation: string | null;
  runId: string | null;
  runLink: string | null;
  status: string;
  statusMessage: string | null;
  tags: KV[];
}

export interface SrcRegisteredModel {
  name: string;
  creationTime: number;
  lastUpdatedTime: number;
  description: string | null;
  tags: KV[];
  aliases: { alias: string; version: number }[];
  versions: SrcModelVersion[];
}

export interface SrcLoggedModelMetric extends SrcMetric {
  runId: string;
  datasetName: string;
  datasetDigest: string;
}

export interface SrcLoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  artifactLocation: string;
  creationTimestampMs: number;
  lastUpdatedTimestampMs: number;
  /** Wire name, e.g. LOGGED_MODEL_READY. */
  status: string;
  modelType: string;
  sourceRunId: string;
  lifecycleStage: string;
  params: KV[];
  tags: KV[];
  metrics: SrcLoggedModelMetric[];
}

/** One span as tsflow stores it: an OTLP span in proto3 JSON (snake_case, bytes base64, 64-bit ints as strings). */
export interface SrcSpan {
  /** 16 hex digits. */
  spanId: string;
  isRoot: boolean;
  /** Nanoseconds since the epoch, 19 digits (orders as text). */
  startNs: string;
  content: Record<string, unknown>;
}

/** An MLflow 3 assessment (feedback or expectation) on a trace. */
export interface SrcAssessment {
  assessmentId: string;
  name: string;
  kind: 'feedback' | 'expectation';
  /** The wire message of its kind: `{value}`, `{value, error}` or `{serialized_value}`. */
  value: Record<string, unknown>;
  spanId: string | null;
  sourceType: string | null;
  sourceId: string | null;
  rationale: string | null;
  metadata: Record<string, string>;
  overrides: string | null;
  valid: boolean;
  createTimeMs: number;
  lastUpdateTimeMs: number;
}

export interface SrcTrace {
  traceId: string;
  experimentId: string;
  clientRequestId: string | null;
  requestTimeMs: number;
  executionDurationMs: number | null;
  /** Wire name, e.g. OK, ERROR, IN_PROGRESS. */
  state: string;
  requestPreview: string | null;
  responsePreview: string | null;
  tags: KV[];
  metadata: KV[];
  /** Spans kept in the tracking store (MLflow >= 3.2 `spans`, or a v3 server); null when they live in the trace's `traces.json` artifact. */
  spans: SrcSpan[] | null;
  assessments: SrcAssessment[];
}

/** Where an object's artifacts live in the source (a run or a logged model). */
export interface ArtifactOwner {
  kind: 'run' | 'logged_model' | 'trace';
  id: string;
  /** The owner's artifact URI in the source store. */
  uri: string;
}

export interface SourceDescription {
  /** e.g. 'mlflow-sqlite', 'mlflow-postgres', 'mlflow-rest'. */
  kind: string;
  /** MLflow server version (REST) or alembic revision (database). */
  version: string;
  /** The capabilities the source has (3.x entities absent from older stores). */
  has: { loggedModels: boolean; traces: boolean; datasets: boolean; aliases: boolean };
}

export interface ImportSummary {
  source: string;
  sourceVersion: string;
  dryRun: boolean;
  experiments: Counts;
  runs: Counts;
  metricPoints: number;
  loggedModels: Counts;
  traces: Counts;
  /** Spans and assessments of the imported traces (spans kept in the tracking store only). */
  traceSpans: number;
  assessments: number;
  registeredModels: Counts;
  modelVersions: number;
  artifactFiles: number;
  artifactBytes: number;
  /** Source experiment id → tsflow experiment id, where they differ. */
  experimentIdMap: Record<string, string>;
  warnings: string[];
  seconds: number;
}

export interface Counts {
  seen: number;
  imported: number;
  unchanged: number;
}
