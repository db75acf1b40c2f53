import { Injectable } from '@nestjs/common';
import { appendToUri } from '../storage/artifact-uri';
import { MlflowError } from '../common/mlflow-error';
import { MODEL_VERSIONS_GRAMMAR, parseSearch } from '../common/search';
import { validateRunId } from '../common/validation';
import { LoggedModelsService } from '../experiments/logged-models/logged-models.service';
import { RunsService } from '../experiments/runs.service';
import type { Run } from '../experiments/tracking.types';
import { ChampionEvents } from './champion-events.service';
import { AliasMove, ModelRegistryStore } from './model-registry.store';
import { ModelVersionsService } from './model-versions.service';
import { validateModelName, versionNumber } from './registry-validation';
import { CHAMPION_ALIAS, downloadUri, ModelVersion } from './registry.types';

/** The artifact directory a run's model is logged under (`mlflow.<flavor>.log_model(..., "model")`). */
export const MODEL_ARTIFACT_PATH = 'model';

export interface ChampionRef {
  version: string;
  run_id: string | null;
}

export interface ChampionInfo extends ChampionRef {
  source: string;
  /** Where the model files are (what serving loads). */
  artifact_uri: string;
}

export interface Promotion {
  model: string;
  previous: ChampionRef | null;
  champion: ChampionInfo;
}

const ref = (v: ModelVersion): ChampionRef => ({ version: String(v.version), run_id: v.runId ?? null });
const info = (v: ModelVersion): ChampionInfo => ({ ...ref(v), source: v.source, artifact_uri: downloadUri(v) });

/**
 * Champion promotion: the `champion` alias of a registered model, moved in one transaction
 * (registering a run's model first when promoting by run). Equivalent to setting the alias
 * through MLflow's API; both announce the change through ChampionEvents.
 */
@Injectable()
export class ChampionService {
  constructor(
    private readonly store: ModelRegistryStore,
    private readonly versions: ModelVersionsService,
    private readonly runs: RunsService,
    private readonly events: ChampionEvents,
    private readonly loggedModels: LoggedModelsService,
  ) {}

  async promote(name: string, args: { runId?: string; version?: string }): Promise<Promotion> {
    if (!!args.runId === !!args.version) {
      throw MlflowError.invalid(
        "Specify exactly one of 'run_id' (register the run's model) or 'version' (an existing version).",
      );
    }
    const move = args.runId
      ? await this.promoteRun(name, args.runId)
      : await this.store.setAlias(name, CHAMPION_ALIAS, versionNumber(name, args.version));
    this.events.aliasChanged(name, CHAMPION_ALIAS, move.previous?.version ?? null, move.current.version);
    return { model: name, previous: move.previous ? ref(move.previous) : null, champion: info(move.current) };
  }

  /**
   * Registers the run's model as a new version (creating the registered model if needed) and
   * aliases it: the run's logged model (MLflow 3, `models:/<model_id>`) when it has one, else
   * its `<artifact_uri>/model` directory (2.x layout).
   */
  private async promoteRun(name: string, runId: string): Promise<AliasMove> {
    validateModelName(name);
    validateRunId(runId);
    await this.runs.getActive(runId);
    const run = await this.runs.get(runId);
    const modelId = await this.loggedModelOf(run);
    const source = modelId ? `models:/${modelId}` : appendToUri(run.info.artifactUri, MODEL_ARTIFACT_PATH);
    // Promoting the same run's model again reuses its version: one version per source, not one per click.
    const existing = await this.versionOf(name, runId, source);
    if (existing) return this.store.setAlias(name, CHAMPION_ALIAS, existing.version);
    const input = await this.versions.prepare(modelId ? { name, source, modelId, runId } : { name, source, runId });
    const move = await this.store.registerWithAlias(input, CHAMPION_ALIAS, true);
    if (modelId) await this.versions.recordRegistration(modelId, move.current);
    return move;
  }

  /** The live version of `name` registered from this run and source, if any (the newest). */
  private async versionOf(name: string, runId: string, source: string): Promise<ModelVersion | undefined> {
    const { clauses, orderBy } = parseSearch(`run_id = '${runId}'`, undefined, MODEL_VERSIONS_GRAMMAR);
    const found = await this.store.searchModelVersions({ clauses, orderBy, maxResults: 1000, includePrompts: false });
    return found.items
      .filter((v) => v.name === name && v.source === source)
      .sort((a, b) => Number(b.version) - Number(a.version))[0];
  }

  /** The run's READY output model named `model` (what tsflow's training logs), latest step first. */
  private async loggedModelOf(run: Run): Promise<string | undefined> {
    const outputs = [...run.outputs.modelOutputs].sort((a, b) => b.step - a.step);
    for (const output of outputs) {
      const model = await this.loggedModels.get(output.modelId).catch(() => undefined);
      if (model?.info.name === MODEL_ARTIFACT_PATH && model.info.status === 'LOGGED_MODEL_READY')
        return model.info.modelId;
    }
    return undefined;
  }

  async get(name: string): Promise<{ model: string; champion: ChampionInfo }> {
    const version = await this.store.getVersionByAlias(name, CHAMPION_ALIAS);
    if (!version)
      throw MlflowError.notFound(`Registered model '${name}' has no champion (alias '${CHAMPION_ALIAS}' is not set).`);
    return { model: name, champion: info(version) };
  }
}
