/** Tracking domain types (camelCase inside; the wire mapping lives in dtos/). */
export interface KeyValue {
  key: string;
  value: string;
}

export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
/** A run in one of these has ended. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'KILLED']);
export type RunStatus = (typeof RUN_STATUSES)[number];
export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdateTime: number;
  tags: KeyValue[];
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface MetricWithRunId extends Metric {
  runId: string;
}

export interface RunInfo {
  runId: string;
  runName: string;
  experimentId: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
}

export interface Dataset {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string;
  profile?: string;
}

export interface DatasetInput {
  tags: KeyValue[];
  dataset: Dataset;
}

export interface Run {
  info: RunInfo;
  data: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] };
  /** `modelInputs`: logged models the run used (MLflow 3 `log_input(model=...)`). */
  inputs: { datasetInputs: DatasetInput[]; modelInputs: string[] };
  /** Logged models the run produced (MLflow 3 `runs/outputs`). */
  outputs: { modelOutputs: { modelId: string; step: number }[] };
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

export function viewStages(view: ViewType | undefined): LifecycleStage[] {
  if (view === 'DELETED_ONLY') return ['deleted'];
  if (view === 'ALL') return ['active', 'deleted'];
  return ['active'];
}

/** Set ('true') on a run whose process died before it finished: its metrics may look complete, it is not. */
export const INCOMPLETE_TAG = 'tsflow.incomplete';
/** Why such a run failed, in words. */
export const FAILURE_REASON_TAG = 'tsflow.failure_reason';

export const isIncomplete = (run: { data: { tags: KeyValue[] } }): boolean =>
  run.data.tags.some((t) => t.key === INCOMPLETE_TAG && t.value === 'true');
