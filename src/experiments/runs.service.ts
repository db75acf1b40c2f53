import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { decodePageToken, parseSearch, RUNS_GRAMMAR } from '../common/search';
import { checkLength, LIMITS, validateMaxResults, validateRunId } from '../common/validation';
import { appendToUri } from '../storage/artifact-uri';
import { ExperimentsService } from './experiments.service';
import { LinkedMetric, loggedModelNotFound, ModelMetric } from './logged-models/logged-model.types';
import { generateRunName } from './run-names';
import { validateBatch, validateMetric, validateParam, validateRunTag } from './run-validation';
import { RUN_NAME_TAG } from './store/log-batch.sql';
import { RunUpdate, TrackingStore } from './tracking.store';
import { KeyValue, Metric, MetricWithRunId, Page, Run, RunInfo, viewStages, ViewType } from './tracking.types';

export interface CreateRunArgs {
  experimentId?: string;
  userId?: string;
  runName?: string;
  startTime?: number;
  tags?: KeyValue[];
}

export interface SearchRunsArgs {
  experimentIds?: string[];
  filter?: string;
  viewType?: ViewType;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

@Injectable()
export class RunsService {
  constructor(
    private readonly store: TrackingStore,
    private readonly experiments: ExperimentsService,
  ) {}

  private resolveRunName(runName: string | undefined, tags: KeyValue[]): { name: string; addTag: boolean } {
    const tagged = [...tags].reverse().find((t) => t.key === RUN_NAME_TAG)?.value;
    if (runName && tagged !== undefined && runName !== tagged) {
      throw MlflowError.invalid(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${runName}', mlflow.runName='${tagged}').`,
      );
    }
    return { name: runName || tagged || generateRunName(), addTag: tagged === undefined };
  }

  async create(args: CreateRunArgs): Promise<Run> {
    const tags = (args.tags ?? []).map((t, i) => validateRunTag(t, `tags[${i}]`));
    const experiment = await this.experiments.getActive(args.experimentId || '0');
    const { name, addTag } = this.resolveRunName(args.runName, tags);
    const runId = randomUUID().replace(/-/g, '');
    return this.store.createRun({
      runId,
      experimentId: experiment.experimentId,
      userId: args.userId ?? tags.find((t) => t.key === 'mlflow.user')?.value ?? '',
      runName: name,
      startTime: args.startTime ?? Date.now(),
      tags: addTag ? [...tags, { key: RUN_NAME_TAG, value: name }] : tags,
      artifactUri: appendToUri(experiment.artifactLocation, runId, 'artifacts'),
    });
  }

  async get(runId: string): Promise<Run> {
    const run = await this.store.getRun(runId);
    if (!run) throw MlflowError.notFound(`Run with id=${runId} not found`);
    return run;
  }

  /** The run's info, or undefined when there is no such run (no error). */
  findInfo(runId: string): Promise<RunInfo | undefined> {
    return this.store.getRunInfo(runId);
  }

  async getInfo(runId: string): Promise<RunInfo> {
    const info = await this.store.getRunInfo(runId);
    if (!info) throw MlflowError.notFound(`Run with id=${runId} not found`);
    return info;
  }

  /** The run must exist (404) and be active (400) for every write. */
  async getActive(runId: string): Promise<RunInfo> {
    const info = await this.getInfo(runId);
    if (info.lifecycleStage !== 'active') {
      throw MlflowError.invalid(
        `The run ${runId} must be in the 'active' state. Current state is ${info.lifecycleStage}.`,
      );
    }
    return info;
  }

  async update(runId: string, update: RunUpdate): Promise<RunInfo> {
    if (update.runName !== undefined) validateRunTag({ key: RUN_NAME_TAG, value: update.runName });
    await this.getActive(runId);
    return this.store.updateRun(runId, update);
  }

  async delete(runId: string): Promise<void> {
    await this.getInfo(runId);
    await this.store.setRunLifecycle(runId, 'deleted');
  }

  async restore(runId: string): Promise<void> {
    await this.getInfo(runId);
    await this.store.setRunLifecycle(runId, 'active');
  }

  async logMetric(runId: string, metric: LinkedMetric): Promise<void> {
    const valid = validateMetric(metric);
    const run = await this.getActive(runId);
    const modelMetrics = await this.modelMetrics(runId, [metric], [valid]);
    await this.store.logBatch(runId, {
      metrics: [valid],
      params: [],
      tags: [],
      modelMetrics,
      runStartTime: run.startTime,
    });
  }

  async logParam(runId: string, param: KeyValue): Promise<void> {
    const valid = validateParam(param);
    const run = await this.getActive(runId);
    await this.store.logBatch(runId, { metrics: [], params: [valid], tags: [], runStartTime: run.startTime });
  }

  async setTag(runId: string, tag: KeyValue): Promise<void> {
    const valid = validateRunTag(tag);
    const run = await this.getActive(runId);
    await this.store.logBatch(runId, { metrics: [], params: [], tags: [valid], runStartTime: run.startTime });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.getActive(runId);
    if (!(await this.store.deleteTag(runId, key))) {
      throw MlflowError.notFound(`No tag with name: ${key} in run with id ${runId}`);
    }
  }

  async logBatch(
    runId: string,
    batch: { metrics?: LinkedMetric[]; params?: KeyValue[]; tags?: KeyValue[] },
  ): Promise<void> {
    validateRunId(runId);
    const valid = validateBatch(batch);
    const run = await this.getActive(runId);
    const modelMetrics = batch.metrics && (await this.modelMetrics(runId, batch.metrics, valid.metrics));
    await this.store.logBatch(runId, { ...valid, modelMetrics, runStartTime: run.startTime });
  }

  /**
   * MLflow 3: points carrying a `model_id` are also recorded for that logged model (every
   * point, with the run and dataset). Unknown models are a 404 before anything is written.
   * Undefined when nothing is linked (the common case costs one scan of the batch).
   */
  private async modelMetrics(runId: string, raw: LinkedMetric[], valid: Metric[]): Promise<ModelMetric[] | undefined> {
    if (!raw.some((m) => m.modelId)) return undefined;
    const ids = [...new Set(raw.filter((m) => m.modelId).map((m) => m.modelId as string))];
    const known = await this.store.existingLoggedModels(ids);
    const missing = ids.find((id) => !known.has(id));
    if (missing) throw MlflowError.notFound(loggedModelNotFound(missing));
    return raw.flatMap((m, i) =>
      m.modelId
        ? [
            {
              ...valid[i],
              modelId: m.modelId,
              runId,
              datasetName: m.datasetName ? checkLength(m.datasetName, 500, 'dataset_name') : undefined,
              datasetDigest: m.datasetDigest ? checkLength(m.datasetDigest, 36, 'dataset_digest') : undefined,
            },
          ]
        : [],
    );
  }

  async search(args: SearchRunsArgs): Promise<Page<Run>> {
    const maxResults = validateMaxResults(args.maxResults, 1000, LIMITS.searchMaxResults);
    const { clauses, orderBy } = parseSearch(args.filter, args.orderBy, RUNS_GRAMMAR);
    return this.store.searchRuns({
      // Experiment ids are integers; anything else matches nothing.
      experimentIds: (args.experimentIds ?? []).filter((id) => /^\d{1,15}$/.test(id)),
      clauses,
      orderBy,
      stages: viewStages(args.viewType),
      maxResults,
      page: decodePageToken(args.pageToken),
    });
  }

  async metricHistory(runId: string, key: string, maxResults?: number, pageToken?: string): Promise<Page<Metric>> {
    await this.getInfo(runId);
    const size = validateMaxResults(maxResults, 25_000, 100_000);
    return this.store.getMetricHistory(runId, key, size, decodePageToken(pageToken));
  }

  async metricHistoryBulkInterval(args: {
    runIds: string[];
    key: string;
    startStep?: number;
    endStep?: number;
    maxResults?: number;
  }): Promise<MetricWithRunId[]> {
    const { runIds, startStep, endStep } = args;
    if (runIds.length > 100) {
      throw MlflowError.invalid(
        `GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received ${runIds.length} run_ids.`,
      );
    }
    if ((startStep === undefined) !== (endStep === undefined)) {
      throw MlflowError.invalid('If either start step or end step are specified, both must be specified.');
    }
    if (startStep !== undefined && endStep !== undefined && startStep > endStep) {
      throw MlflowError.invalid(
        `end_step must be greater than start_step. Found start_step=${startStep} and end_step=${endStep}.`,
      );
    }
    const maxResults = args.maxResults ?? 2500;
    if (maxResults < 1 || maxResults > 2500) throw MlflowError.invalid('max_results must be between 1 and 2500.');
    return this.store.getMetricHistoryBulkInterval({ runIds, key: args.key, startStep, endStep, maxResults });
  }
}
