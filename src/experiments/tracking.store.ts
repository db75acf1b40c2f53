import type { Summary } from './history/summary';
import type { MetricColumns } from './store/metric-columns.sql';
import type { Clause, OrderKey, PageToken } from '../common/search';
import type {
  CreateLoggedModelInput,
  LoggedModel,
  LoggedModelStatus,
  ModelMetric,
  ModelOutput,
  SearchLoggedModelsQuery,
} from './logged-models/logged-model.types';
import type {
  DatasetInput,
  Experiment,
  KeyValue,
  LifecycleStage,
  Metric,
  MetricWithRunId,
  Page,
  Run,
  RunInfo,
  RunStatus,
} from './tracking.types';

export interface CreateExperimentInput {
  name: string;
  /** Absent: `<defaultRoot>/<experiment_id>`. */
  artifactLocation?: string;
  tags: KeyValue[];
}

export interface CreateRunInput {
  runId: string;
  experimentId: string;
  userId: string;
  runName: string;
  startTime: number;
  tags: KeyValue[];
  artifactUri: string;
}

export interface RunUpdate {
  status?: RunStatus;
  endTime?: number;
  runName?: string;
}

export interface LogBatch {
  metrics: Metric[];
  params: KeyValue[];
  tags: KeyValue[];
  /** MLflow 3: copies of metric points linked to logged models (written in the same transaction). */
  modelMetrics?: ModelMetric[];
  /** The run's start_time when the caller has read the run already (copied into params/tags rows; read otherwise). */
  runStartTime?: number;
}

export interface SearchQuery {
  clauses: Clause[];
  orderBy: OrderKey[];
  stages: LifecycleStage[];
  maxResults: number;
  page?: PageToken;
}

export interface SearchRunsQuery extends SearchQuery {
  experimentIds: string[];
}

/** One dataset used by runs of an experiment (the UI's dataset filter). */
export interface DatasetSummary {
  experimentId: string;
  name: string;
  digest: string;
  context: string | null;
}

export interface BulkIntervalQuery {
  runIds: string[];
  key: string;
  startStep?: number;
  endStep?: number;
  maxResults: number;
}

/**
 * The tracking store contract (MLflow's AbstractStore is the model). Implementations validate
 * nothing about the request shape (the services did) but own every invariant that needs a
 * transaction: unique experiment names, immutable params, latest-metric maintenance,
 * duplicate-metric idempotence, lifecycle cascades.
 */
export abstract class TrackingStore {
  /** Creates experiment `0` named `Default` on an empty store. Safe to call concurrently. */
  abstract ensureDefaultExperiment(defaultRoot: string): Promise<void>;
  /** Returns the new id. Throws RESOURCE_ALREADY_EXISTS when the name is taken (active or deleted). */
  abstract createExperiment(input: CreateExperimentInput, defaultRoot: string): Promise<string>;
  abstract getExperiment(experimentId: string): Promise<Experiment | undefined>;
  abstract getExperimentByName(name: string): Promise<Experiment | undefined>;
  /** Every experiment's artifact location (deleted ones too): what permission checks on references compare URIs with. */
  abstract experimentArtifactLocations(): Promise<{ experimentId: string; artifactLocation: string }[]>;
  abstract searchExperiments(query: SearchQuery): Promise<Page<Experiment>>;
  /** Throws RESOURCE_ALREADY_EXISTS when the new name is taken. */
  abstract renameExperiment(experimentId: string, newName: string): Promise<void>;
  /** Moves the experiment and all its runs to `stage`. */
  abstract setExperimentLifecycle(experimentId: string, stage: LifecycleStage): Promise<void>;
  abstract setExperimentTag(experimentId: string, tag: KeyValue): Promise<void>;
  /** False when the tag did not exist. */
  abstract deleteExperimentTag(experimentId: string, key: string): Promise<boolean>;

  abstract createRun(input: CreateRunInput): Promise<Run>;
  abstract getRunInfo(runId: string): Promise<RunInfo | undefined>;
  abstract getRun(runId: string): Promise<Run | undefined>;
  /** Full runs in the order of `runIds`; unknown ids are skipped. */
  abstract getRuns(runIds: string[]): Promise<Run[]>;
  /** Applies the present fields; a new run name also upserts tag `mlflow.runName`. */
  abstract updateRun(runId: string, update: RunUpdate): Promise<RunInfo>;
  abstract setRunLifecycle(runId: string, stage: LifecycleStage): Promise<void>;
  /**
   * One transaction: params inserted (same value again is a no-op, a different value throws
   * INVALID_PARAMETER_VALUE listing every conflict and writes nothing), metric points appended
   * (exact duplicates ignored) with latest_metrics maintained by (step, timestamp, value),
   * tags upserted in order (`mlflow.runName` renames the run).
   */
  abstract logBatch(runId: string, batch: LogBatch): Promise<void>;
  /**
   * Read-modify-write of one run tag (`update` gets the current value or undefined), atomic
   * against concurrent calls for the same run and key (mlflow.log-model.history appends).
   */
  abstract updateTag(runId: string, key: string, update: (current: string | undefined) => string): Promise<void>;
  /** False when the tag did not exist. */
  abstract deleteTag(runId: string, key: string): Promise<boolean>;
  /** Datasets are stored once per experiment by (name, digest) and linked to the run once. */
  abstract logInputs(runId: string, experimentId: string, inputs: DatasetInput[]): Promise<void>;
  /** Points ordered by (timestamp, step, value); offset-paged. */
  abstract getMetricHistory(runId: string, key: string, maxResults: number, page?: PageToken): Promise<Page<Metric>>;
  abstract getMetricHistoryBulkInterval(query: BulkIntervalQuery): Promise<MetricWithRunId[]>;
  /** Each run's full history of `key` as columns ordered by (step, timestamp); runs without it are absent. */
  abstract getMetricColumns(runIds: string[], key: string): Promise<Map<string, MetricColumns>>;
  /**
   * Each run's pre-sampled history of `key` (history/summary.ts), equal to the summary of its full
   * history; kept by logBatch, rebuilt from the history where missing. Runs without the key are absent.
   */
  abstract getMetricSummaries(runIds: string[], key: string): Promise<Map<string, Summary>>;
  /** The distinct datasets logged as inputs in these experiments, with their `mlflow.data.context` tag (≤ 1000). */
  abstract searchDatasets(experimentIds: string[]): Promise<DatasetSummary[]>;
  abstract searchRuns(query: SearchRunsQuery): Promise<Page<Run>>;

  /** Run → logged model links; the same (model, step) twice is one link. */
  abstract logRunOutputs(runId: string, outputs: ModelOutput[]): Promise<void>;
  /** Logged models a run used (`log-inputs` with `models`), each linked once. */
  abstract logRunModelInputs(runId: string, modelIds: string[]): Promise<void>;

  // MLflow 3 logged models. Deleted models are soft-deleted: hidden from get/search, rows kept.
  abstract createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel>;
  /** Undefined for unknown ids; deleted models only with `includeDeleted`. */
  abstract getLoggedModel(modelId: string, includeDeleted?: boolean): Promise<LoggedModel | undefined>;
  /** Ids (of `modelIds`) that name an existing, not deleted model. */
  abstract existingLoggedModels(modelIds: string[]): Promise<Set<string>>;
  /** Sets the status and bumps last_updated_timestamp_ms. */
  abstract finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<void>;
  abstract deleteLoggedModel(modelId: string): Promise<void>;
  /** Upserts (last value of a key wins). */
  abstract setLoggedModelTags(modelId: string, tags: KeyValue[]): Promise<void>;
  /**
   * Read-modify-write of one model tag, atomic against concurrent calls for the same model
   * and key (mlflow.modelVersions appends).
   */
  abstract updateLoggedModelTag(
    modelId: string,
    key: string,
    update: (current: string | undefined) => string,
  ): Promise<void>;
  /** False when the tag did not exist. */
  abstract deleteLoggedModelTag(modelId: string, key: string): Promise<boolean>;
  /** Run-param semantics: the same value again is a no-op, a different value throws INVALID_PARAMETER_VALUE. */
  abstract logLoggedModelParams(modelId: string, params: KeyValue[]): Promise<void>;
  /** One page (offset-based); `hasMore` when another row exists after it. */
  abstract searchLoggedModels(query: SearchLoggedModelsQuery): Promise<{ items: LoggedModel[]; hasMore: boolean }>;
  /** Cheap liveness probe for /health. */
  abstract ping(): Promise<void>;
}
