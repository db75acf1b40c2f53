/** Pure parts of MLflow's prompt-lab run (mlflow/utils/promptlab_utils.py): request checks, the eval table, MLmodel. */
import * as yaml from 'js-yaml';
import { MlflowError } from '../common/mlflow-error';
import type { KeyValue } from '../experiments/tracking.types';

export interface PromptlabRunSpec {
  experimentId: string;
  runName?: string;
  tags: KeyValue[];
  promptTemplate: string;
  promptParameters: KeyValue[];
  modelRoute: string;
  modelParameters: KeyValue[];
  modelInput: string;
  modelOutput?: string;
  modelOutputParameters: KeyValue[];
  mlflowVersion: string;
  userId: string;
  startTime: number;
}

const REQUIRED = [
  'experiment_id',
  'prompt_template',
  'prompt_parameters',
  'model_route',
  'model_input',
  'mlflow_version',
] as const;

function keyValues(v: unknown, field: string): KeyValue[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw MlflowError.invalid(`CreatePromptlabRun request field ${field} must be a list.`);
  return v.map((p: unknown) => {
    const kv = (p ?? {}) as { key?: unknown; value?: unknown };
    if (typeof kv.key !== 'string' || kv.key === '') {
      throw MlflowError.invalid(`CreatePromptlabRun request field ${field} needs a key in every entry.`);
    }
    return { key: kv.key, value: kv.value === undefined || kv.value === null ? '' : String(kv.value) };
  });
}

const text = (v: unknown, field: string): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw MlflowError.invalid(`CreatePromptlabRun request field ${field} must be a string.`);
};

/** MLflow's handler: each required argument must be present and truthy, in this order. */
export function parsePromptlabRequest(body: unknown, now = Date.now()): PromptlabRunSpec {
  const a = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  for (const name of REQUIRED) {
    const v = a[name];
    if (v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0)) {
      throw MlflowError.invalid(`CreatePromptlabRun request must specify ${name}.`);
    }
  }
  const startTime = a.start_time ?? now;
  if (typeof startTime !== 'number' || !Number.isSafeInteger(startTime) || startTime < 0) {
    throw MlflowError.invalid('CreatePromptlabRun request field start_time must be a non-negative integer.');
  }
  return {
    experimentId: text(a.experiment_id, 'experiment_id'),
    runName: a.run_name === undefined || a.run_name === null ? undefined : text(a.run_name, 'run_name'),
    tags: keyValues(a.tags, 'tags'),
    promptTemplate: text(a.prompt_template, 'prompt_template'),
    promptParameters: keyValues(a.prompt_parameters, 'prompt_parameters'),
    modelRoute: text(a.model_route, 'model_route'),
    modelParameters: keyValues(a.model_parameters, 'model_parameters'),
    modelInput: text(a.model_input, 'model_input'),
    modelOutput:
      a.model_output === undefined || a.model_output === null ? undefined : text(a.model_output, 'model_output'),
    modelOutputParameters: keyValues(a.model_output_parameters, 'model_output_parameters'),
    mlflowVersion: text(a.mlflow_version, 'mlflow_version'),
    userId: a.user_id === undefined || a.user_id === null ? 'unknown' : text(a.user_id, 'user_id'),
    startTime,
  };
}

/** `eval_results_table.json`: prompt parameters, prompt, output, then the output parameters (one row). */
export function evalResultsTable(spec: PromptlabRunSpec): string {
  const columns = [...spec.promptParameters.map((p) => p.key), 'prompt', 'output'];
  const data: (string | null)[] = [
    ...spec.promptParameters.map((p) => p.value ?? ''),
    spec.modelInput,
    spec.modelOutput ?? null,
  ];
  return JSON.stringify({
    columns: [...columns, ...spec.modelOutputParameters.map((p) => p.key)],
    data: [[...data, ...spec.modelOutputParameters.map((p) => p.value ?? '')]],
  });
}

/** The model summary recorded on the run (mlflow.log-model.history) and the MLmodel written beside it. */
export function promptlabModel(spec: PromptlabRunSpec, runId: string, createdAt: Date) {
  const utcTimeCreated = createdAt.toISOString().replace('T', ' ').replace('Z', '000');
  const summary = { artifact_path: 'model', run_id: runId, utc_time_created: utcTimeCreated, flavors: {} };
  const columns = (names: string[]) => JSON.stringify(names.map((name) => ({ type: 'string', name, required: true })));
  const mlmodel = yaml.dump({
    artifact_path: 'model',
    flavors: {
      python_function: {
        loader_module: 'mlflow._promptlab',
        prompt_template: spec.promptTemplate,
        prompt_parameters: Object.fromEntries(spec.promptParameters.map((p) => [p.key, p.value ?? ''])),
        model_parameters: Object.fromEntries(spec.modelParameters.map((p) => [p.key, p.value ?? ''])),
        model_route: spec.modelRoute,
      },
    },
    mlflow_version: spec.mlflowVersion,
    run_id: runId,
    signature: {
      inputs: columns(spec.promptParameters.map((p) => p.key)),
      outputs: columns(['output']),
      params: null,
    },
    utc_time_created: utcTimeCreated,
  });
  return { summary, mlmodel };
}
