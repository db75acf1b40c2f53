import { Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { missingValue } from '../common/proto/parse';
import { checkLength, validateLoggedModelId, validateRunId } from '../common/validation';
import { RunsService } from './runs.service';
import { TrackingStore } from './tracking.store';
import type { ModelOutput } from './logged-models/logged-model.types';
import { DatasetInput } from './tracking.types';

export const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';

const DATASET_LIMITS = { name: 500, digest: 36, source: 65_535, schema: 1_048_575, profile: 16_777_215 } as const;

/** Dataset inputs (log-inputs) and logged-model summaries (log-model) of a run. */
@Injectable()
export class RunInputsService {
  constructor(
    private readonly store: TrackingStore,
    private readonly runs: RunsService,
  ) {}

  /** Dataset inputs and (MLflow 3) logged-model inputs; one of the two is required (MLflow 2.x: `datasets`). */
  async logInputs(runId: string, inputs: DatasetInput[], modelIds: string[] = []): Promise<void> {
    if (inputs.length === 0 && modelIds.length === 0) throw missingValue('datasets');
    validateRunId(runId);
    modelIds.forEach((id, i) => validateLoggedModelId(id, `models[${i}].model_id`));
    for (const input of inputs) {
      const ds = input.dataset;
      for (const field of Object.keys(DATASET_LIMITS) as (keyof typeof DATASET_LIMITS)[]) {
        const value = ds[field];
        if (value !== undefined) checkLength(value, DATASET_LIMITS[field], field);
      }
      for (const tag of input.tags ?? []) {
        checkLength(tag.key, 255, 'key');
        checkLength(tag.value ?? '', 500, 'value');
      }
    }
    const run = await this.runs.getActive(runId);
    if (inputs.length > 0) {
      await this.store.logInputs(
        runId,
        run.experimentId,
        inputs.map((i) => ({ tags: i.tags ?? [], dataset: i.dataset })),
      );
    }
    // Links only: MLflow checks neither existence nor duplicates (we keep one link per model).
    if (modelIds.length > 0) await this.store.logRunModelInputs(runId, modelIds);
  }

  /** MLflow 3 `runs/outputs`: the run produced these logged models (at these steps). */
  async logOutputs(runId: string, outputs: ModelOutput[]): Promise<void> {
    validateRunId(runId);
    outputs.forEach((o, i) => validateLoggedModelId(o.modelId, `models[${i}].model_id`));
    await this.runs.getActive(runId);
    await this.store.logRunOutputs(runId, outputs);
  }

  /** Appends the model summary to tag `mlflow.log-model.history` (what the UI lists). */
  async logModel(runId: string, modelJson: string): Promise<void> {
    validateRunId(runId);
    let model: Record<string, unknown>;
    try {
      model = JSON.parse(modelJson);
    } catch (err) {
      throw MlflowError.invalid(`Malformed model info. \n ${modelJson.slice(0, 200)} \n is not a valid JSON.`);
    }
    if (!model || typeof model !== 'object' || Array.isArray(model))
      throw MlflowError.invalid('Malformed model info: expected a JSON object.');
    const missing = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter((k) => !(k in model));
    if (missing.length)
      throw MlflowError.invalid(`Model json is missing mandatory fields: {${missing.map((k) => `'${k}'`).join(', ')}}`);
    await this.runs.getActive(runId);
    const flavors = Object.fromEntries(
      Object.entries((model.flavors ?? {}) as Record<string, Record<string, unknown>>).map(([name, conf]) => {
        const { config: _drop, ...rest } = conf ?? {};
        return [name, rest];
      }),
    );
    const summary = {
      run_id: model.run_id,
      artifact_path: model.artifact_path,
      utc_time_created: model.utc_time_created,
      model_uuid: model.model_uuid,
      flavors,
    };
    // Atomic append: concurrent log-model calls must not drop each other's entries.
    await this.store.updateTag(runId, LOG_MODEL_HISTORY_TAG, (previous) => {
      let history: unknown;
      try {
        history = previous ? JSON.parse(previous) : [];
      } catch {
        history = [];
      }
      return JSON.stringify([...(Array.isArray(history) ? history : []), summary]);
    });
  }
}
