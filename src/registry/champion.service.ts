import { Injectable } from '@nestjs/common';
import { appendToUri } from '../storage/artifact-uri';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { MODEL_VERSIONS_GRAMMAR, parseSearch } from '../common/search';
import { validateRunId } from '../common/validation';
import { floorFailure, FloorCheck, promotionFloor } from '../training/core/promotion-floor';
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
  /** True when the run lost significantly to persistence and `force` overrode the floor. */
  forced: boolean;
  /** The promotion floor of the run behind the version (null when it has no test metrics to check). */
  floor: FloorCheck | null;
}

export interface PromoteArgs {
  runId?: string;
  version?: string;
  /** Promote even a run that loses significantly to persistence (recorded as FORCED_TAG). */
  force?: boolean;
}

/** Set on the version and its run when a promotion overrode the floor; the value says why it was needed. */
export const FORCED_TAG = 'tsflow.champion.forced';

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

  async promote(name: string, args: PromoteArgs): Promise<Promotion> {
    if (!!args.runId === !!args.version) {
      throw MlflowError.invalid(
        "Specify exactly one of 'run_id' (register the run's model) or 'version' (an existing version).",
      );
    }
    const floor = await this.floorOf(args.runId ?? (await this.versions.get(name, String(args.version))).runId);
    const forced = floor !== null && !floor.passed;
    if (forced && !args.force) {
      throw MlflowError.invalid(
        `Not promoted: the run ${floorFailure(floor)}, so serving it would forecast worse than "tomorrow = today". ` +
          `Send "force": true to promote it anyway (recorded as tag '${FORCED_TAG}' on the version and the run).`,
      );
    }
    const move = args.runId
      ? await this.promoteRun(name, args.runId)
      : await this.store.setAlias(name, CHAMPION_ALIAS, versionNumber(name, args.version));
    if (forced) await this.recordForce(name, move.current, floor);
    this.events.aliasChanged(name, CHAMPION_ALIAS, move.previous?.version ?? null, move.current.version);
    const previous = move.previous ? ref(move.previous) : null;
    return { model: name, previous, champion: info(move.current), forced, floor };
  }

  /** The floor of the run's own test metrics; null without a run here or without those metrics. */
  private async floorOf(runId: string | null | undefined): Promise<FloorCheck | null> {
    if (!runId) return null;
    validateRunId(runId);
    const run = await this.runs.get(runId).catch((err: unknown) => {
      if (err instanceof MlflowError && err.code === ErrorCode.RESOURCE_DOES_NOT_EXIST) return undefined;
      throw err;
    });
    const metrics = Object.fromEntries((run?.data.metrics ?? []).map((m) => [m.key, m.value]));
    return 'test_skill' in metrics && 'test_dm_pvalue' in metrics ? promotionFloor(metrics) : null;
  }

  private async recordForce(name: string, version: ModelVersion, floor: FloorCheck): Promise<void> {
    const tag = { key: FORCED_TAG, value: `forced past the promotion floor: ${floorFailure(floor)}` };
    await this.store.setModelVersionTag(name, version.version, tag);
    if (version.runId) await this.runs.setTag(version.runId, tag).catch(() => undefined);
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
