import { Inject, Injectable, Logger } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { decodePageToken, MODEL_VERSIONS_GRAMMAR, parseSearch } from '../common/search';
import { validateKey, validateRunId } from '../common/validation';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LoggedModelsService } from '../experiments/logged-models/logged-models.service';
import { RunsService } from '../experiments/runs.service';
import { appendToUri } from '../storage/artifact-uri';
import { LocalArtifactRoots } from '../storage/local-roots';
import { ArtifactPath } from '../storage/safe-path';
import { ChampionEvents } from './champion-events.service';
import { CreateModelVersionInput, ModelRegistryStore } from './model-registry.store';
import { versionNotFound } from './registry-errors';
import {
  canonicalStage,
  registryMaxResults,
  validateRegistryTag,
  validateRegistryTags,
  versionNumber,
  wantsPrompts,
} from './registry-validation';
import type { RegistrySearchArgs } from './registry.service';
import { ACTIVE_STAGES, downloadUri, ModelVersion, Page, PROMPT_TAG, STAGES } from './registry.types';
import { LocalRoot, ModelsRef, SourceRef, validateSource } from './source-validation';

export interface CreateVersionArgs {
  name: string;
  source: string;
  runId?: string;
  /** MLflow 3: the logged model the version is registered from. */
  modelId?: string;
  runLink?: string;
  description?: string;
  tags?: { key: string; value?: string }[];
}

const isPromptVersion = (tags: { key: string; value: string }[]) =>
  tags.some((t) => t.key === PROMPT_TAG && t.value.toLowerCase() === 'true');

/** Model versions (R13-R21): creation with source validation and resolution, stages, tags. */
@Injectable()
export class ModelVersionsService {
  private readonly logger = new Logger(ModelVersionsService.name);

  private readonly localRoots: LocalArtifactRoots;

  constructor(
    private readonly store: ModelRegistryStore,
    private readonly runs: RunsService,
    private readonly events: ChampionEvents,
    private readonly loggedModels: LoggedModelsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.localRoots = LocalArtifactRoots.fromConfig(config);
  }

  async create(args: CreateVersionArgs): Promise<ModelVersion> {
    const input = await this.prepare(args);
    const version = await this.store.createModelVersion(input);
    this.logger.log(`registered '${version.name}' version ${version.version} from ${version.source}`);
    if (args.modelId && !isPromptVersion(input.tags)) await this.recordRegistration(args.modelId, version);
    return version;
  }

  /** MLflow 3: the model's tag `mlflow.modelVersions` lists the versions registered from it. */
  recordRegistration(modelId: string, version: ModelVersion): Promise<void> {
    return this.loggedModels.addModelVersion(modelId, version.name, version.version);
  }

  /**
   * Validates everything about a new version and resolves its storage location, without
   * writing: create and champion promotion share it.
   */
  async prepare(args: CreateVersionArgs): Promise<CreateModelVersionInput> {
    const tags = validateRegistryTags(args.tags);
    let root: LocalRoot | undefined;
    if (args.runId) {
      validateRunId(args.runId);
      // MLflow never requires the run to exist here: versions come from other servers' runs,
      // deleted runs, external stores. A run that is here matters only for local sources.
      root = await this.runs.findInfo(args.runId);
    }
    // With model_id, local sources must lie inside the model's artifacts (mlflow3-api.md §6.1);
    // an unknown `models:/<model_id>` is a 404 (MLflow answers 500, which clients retry for minutes).
    const model = args.modelId ? await this.loggedModels.get(args.modelId) : undefined;
    if (model) root = { artifactUri: model.info.artifactLocation };
    const ref = validateSource(args.source, root, isPromptVersion(tags), this.localRoots);
    const target = ref.kind === 'logged-model' ? await this.loggedModels.get(ref.modelId) : model;
    const storageLocation =
      ref.kind === 'logged-model' ? target?.info.artifactLocation : await this.resolve(args.source, ref);
    return {
      name: args.name,
      source: args.source,
      storageLocation: storageLocation === args.source ? undefined : storageLocation,
      runId: args.runId || target?.info.sourceRunId || undefined,
      runLink: args.runLink,
      description: args.description,
      tags,
    };
  }

  /** Where the files of a validated source are (runs:/ via the run's root, models:/ via the version). */
  private async resolve(source: string, ref: SourceRef): Promise<string | undefined> {
    if (ref.kind === 'direct' || ref.kind === 'logged-model') return undefined;
    if (ref.kind === 'runs') {
      // As MLflow (_validate_source checks only local sources against a run): the run of a
      // `runs:/` source need not exist here; then the source is stored as given and clients
      // resolve it (get-download-uri answers the `runs:/` URI, as MLflow's does).
      const run = await this.runs.findInfo(ref.runId);
      return run ? appendToUri(run.artifactUri, ...ArtifactPath.parse(ref.path).segments) : undefined;
    }
    try {
      return downloadUri(await this.referencedVersion(ref));
    } catch (err) {
      const reason = err instanceof MlflowError ? err.message : 'lookup failed';
      throw MlflowError.invalid(`Unable to resolve model version source '${source}': ${reason}`);
    }
  }

  private async referencedVersion(ref: ModelsRef): Promise<ModelVersion> {
    let found: ModelVersion | undefined;
    if (ref.version !== undefined) found = await this.store.getModelVersion(ref.name, ref.version);
    else if (ref.alias !== undefined) found = await this.store.getVersionByAlias(ref.name, ref.alias);
    else {
      const latest = await this.store.getLatestVersions(ref.name, ref.stage ? [ref.stage] : STAGES);
      found = latest.sort((a, b) => b.version - a.version)[0];
    }
    if (!found) throw versionNotFound(ref.name, ref.version ?? ref.alias ?? ref.stage ?? 'latest');
    return found;
  }

  async get(name: string, version: string): Promise<ModelVersion> {
    const v = versionNumber(name, version);
    const found = await this.store.getModelVersion(name, v);
    if (!found) throw versionNotFound(name, v);
    return found;
  }

  update(name: string, version: string, description: string | undefined): Promise<ModelVersion> {
    return this.store.updateModelVersion(name, versionNumber(name, version), description);
  }

  async delete(name: string, version: string): Promise<void> {
    const v = versionNumber(name, version);
    const aliases = await this.store.deleteModelVersion(name, v);
    this.logger.log(`deleted '${name}' version ${v}`);
    for (const alias of aliases) this.events.aliasChanged(name, alias, v, null);
  }

  search(args: RegistrySearchArgs): Promise<Page<ModelVersion>> {
    const { clauses, orderBy } = parseSearch(args.filter, args.orderBy, MODEL_VERSIONS_GRAMMAR);
    return this.store.searchModelVersions({
      clauses,
      orderBy,
      maxResults: registryMaxResults(args.maxResults, 200_000, 200_000),
      page: decodePageToken(args.pageToken),
      includePrompts: wantsPrompts(clauses),
    });
  }

  /** MLflow answers archive misuse with a 500 (retried for minutes by clients); we answer 400. */
  transitionStage(name: string, version: string, stage: string, archiveExisting = false): Promise<ModelVersion> {
    const target = canonicalStage(stage);
    if (archiveExisting && !ACTIVE_STAGES.includes(target)) {
      throw MlflowError.invalid(
        `Model version transition cannot archive existing model versions because '${target}' is not an Active stage. ` +
          `Valid stages are ${ACTIVE_STAGES.join(', ')}`,
      );
    }
    return this.store.transitionStage(name, versionNumber(name, version), target, archiveExisting);
  }

  setTag(name: string, version: string, tag: { key: string; value?: string }): Promise<void> {
    const valid = validateRegistryTag(tag, '', true);
    return this.store.setModelVersionTag(name, versionNumber(name, version), valid);
  }

  deleteTag(name: string, version: string, key: string): Promise<void> {
    validateKey(key);
    return this.store.deleteModelVersionTag(name, versionNumber(name, version), key);
  }

  async downloadUri(name: string, version: string): Promise<string> {
    return downloadUri(await this.get(name, version));
  }
}
