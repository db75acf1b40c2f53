import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ErrorCode, MlflowError } from '../../common/mlflow-error';
import { checkLength, validateMaxResults, validateRunId } from '../../common/validation';
import { ExperimentsService } from '../experiments.service';
import { generateRunName } from '../run-names';
import { TrackingStore } from '../tracking.store';
import type { KeyValue } from '../tracking.types';
import {
  decodeModelPageToken,
  encodeModelPageToken,
  OrderByWire,
  parseDatasets,
  parseModelFilter,
  parseModelOrderBy,
} from './logged-model-search';
import { LoggedModel, LoggedModelStatus, loggedModelNotFound, MODEL_VERSIONS_TAG } from './logged-model.types';

export interface CreateLoggedModelArgs {
  experimentId: string;
  name?: string;
  modelType?: string;
  sourceRunId?: string;
  params?: KeyValue[];
  tags?: KeyValue[];
}

export interface SearchLoggedModelsArgs {
  experimentIds: string[];
  filter?: string;
  datasets?: { dataset_name?: string; dataset_digest?: string }[];
  maxResults?: number;
  orderBy?: OrderByWire[];
  pageToken?: string;
}

const BAD_NAME_CHARS = ['/', ':', '.', '%', '"', "'"];
/** No maximum in MLflow; a cap keeps one request bounded (deviation, mlflow3-api.md §3). */
const MAX_SEARCH_RESULTS = 1000;

function validateEntries(items: KeyValue[] | undefined, what: 'param' | 'tag'): KeyValue[] {
  const seen = new Set<string>();
  return (items ?? []).map((item) => {
    if (!item.key) throw MlflowError.invalid(`Missing value for required parameter '${what}s.key'.`);
    checkLength(item.key, 255, `${what} key`);
    if (seen.has(item.key)) {
      throw new MlflowError(ErrorCode.BAD_REQUEST, `Duplicate ${what} key '${item.key}' in one request.`);
    }
    seen.add(item.key);
    return { key: item.key, value: item.value ?? '' };
  });
}

function validateName(name: string | undefined): string {
  if (name === undefined) return generateRunName();
  if (name === '' || BAD_NAME_CHARS.some((c) => name.includes(c))) {
    throw MlflowError.invalid(
      `Invalid model name ('${name}') provided. Model name must be a non-empty string and cannot contain the ` +
        `following characters: ('/', ':', '.', '%', '"', "'")`,
    );
  }
  return checkLength(name, 500, 'name');
}

/**
 * MLflow 3 logged models: experiment-scoped models with their own id, artifact directory,
 * params, tags and linked metrics. The server never writes model files: clients upload them
 * through the mlflow-artifacts proxy under the model's artifact location.
 */
@Injectable()
export class LoggedModelsService {
  constructor(
    private readonly store: TrackingStore,
    private readonly experiments: ExperimentsService,
  ) {}

  async create(args: CreateLoggedModelArgs): Promise<LoggedModel> {
    const name = validateName(args.name);
    const params = validateEntries(args.params, 'param');
    const tags = validateEntries(args.tags, 'tag');
    const sourceRunId = await this.sourceRun(args.sourceRunId);
    const experiment = await this.experiments.getActive(args.experimentId);
    const modelId = `m-${randomUUID().replace(/-/g, '')}`;
    return this.store.createLoggedModel({
      modelId,
      experimentId: experiment.experimentId,
      name,
      artifactLocation: `${experiment.artifactLocation.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
      modelType: checkLength(args.modelType ?? '', 500, 'model_type'),
      sourceRunId,
      params,
      tags,
    });
  }

  /**
   * The run that produced the model: a run id in MLflow's format, of a run of this server (MLflow 3
   * stores any string of up to 32 characters unchecked; a dangling link would name a run nobody can
   * read, and an unbounded one failed Postgres' index). Absent or "" is no source run.
   */
  private async sourceRun(runId: string | undefined): Promise<string> {
    if (!runId) return '';
    validateRunId(runId, 'source_run_id');
    if (!(await this.store.getRunInfo(runId))) throw MlflowError.notFound(`Run with id=${runId} not found`);
    return runId;
  }

  /**
   * Unknown and deleted models are a 404 for reads and writes alike (MLflow still lets writes
   * through on deleted models; refusing them is a harmless deviation, mlflow3-api.md §2.3).
   */
  async get(modelId: string): Promise<LoggedModel> {
    const model = await this.store.getLoggedModel(modelId);
    if (!model) throw MlflowError.notFound(loggedModelNotFound(modelId));
    return model;
  }

  async finalize(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    await this.get(modelId);
    await this.store.finalizeLoggedModel(modelId, status);
    return (await this.store.getLoggedModel(modelId, true)) as LoggedModel;
  }

  async delete(modelId: string): Promise<void> {
    await this.get(modelId);
    await this.store.deleteLoggedModel(modelId);
  }

  async setTags(modelId: string, tags: KeyValue[] | undefined): Promise<void> {
    const valid = validateEntries(tags, 'tag');
    await this.get(modelId);
    await this.store.setLoggedModelTags(modelId, valid);
  }

  async deleteTag(modelId: string, key: string): Promise<void> {
    await this.get(modelId);
    if (!(await this.store.deleteLoggedModelTag(modelId, key))) {
      throw MlflowError.notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`);
    }
  }

  async logParams(modelId: string, params: KeyValue[] | undefined): Promise<void> {
    const valid = validateEntries(params, 'param');
    await this.get(modelId);
    await this.store.logLoggedModelParams(modelId, valid);
  }

  /** Records a registry version created from the model in tag `mlflow.modelVersions` (JSON list). */
  async addModelVersion(modelId: string, name: string, version: number): Promise<void> {
    await this.store.updateLoggedModelTag(modelId, MODEL_VERSIONS_TAG, (current) => {
      let list: unknown;
      try {
        list = current ? JSON.parse(current) : [];
      } catch {
        list = [];
      }
      const entries = Array.isArray(list) ? (list as { name?: unknown; version?: unknown }[]) : [];
      if (entries.some((e) => e?.name === name && e?.version === version)) return current as string;
      return JSON.stringify([...entries, { name, version }]);
    });
  }

  async search(args: SearchLoggedModelsArgs): Promise<{ models: LoggedModel[]; nextPageToken?: string }> {
    if (args.experimentIds.length === 0) throw MlflowError.invalid(missingExperimentIds);
    const maxResults = validateMaxResults(args.maxResults, 100, MAX_SEARCH_RESULTS);
    const clauses = parseModelFilter(args.filter);
    const orderBy = parseModelOrderBy(args.orderBy);
    const datasets = parseDatasets(args.datasets);
    const offset = decodeModelPageToken(args.pageToken, args.experimentIds, args.filter, args.orderBy);
    const experimentIds = args.experimentIds.filter((id) => /^\d{1,15}$/.test(id));
    if (experimentIds.length === 0) return { models: [] };
    const page = await this.store.searchLoggedModels({ experimentIds, clauses, datasets, orderBy, maxResults, offset });
    const nextPageToken = page.hasMore
      ? encodeModelPageToken(args.experimentIds, args.filter, args.orderBy, offset + maxResults)
      : undefined;
    return { models: page.items, nextPageToken };
  }
}

const missingExperimentIds =
  "Missing value for required parameter 'experiment_ids'. See the API docs for more information about request parameters.";
