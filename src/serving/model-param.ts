import { MlflowError } from '../common/mlflow-error';

/** How a request names its model, for messages: /invocations accepts both. */
export const MODEL_NAMING = `'model' (a top-level "model" key of the JSON body; /invocations and /ping also take ?model=)`;

/**
 * The `?model=` of /ping and /invocations, or the body's `"model"`. A repeated parameter arrives as
 * an array: refuse it (it once became a "model name" kept forever, and /health failed sorting names).
 */
export function modelParam(value: unknown, where = 'Parameter'): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw MlflowError.invalid(`${where} 'model' must be given once, as a string.`);
  if (value.length > 256 || value.includes('\u0000'))
    throw MlflowError.invalid(`Invalid value for ${where.toLowerCase()} 'model'.`);
  return value;
}

/**
 * The model of an /invocations request: `?model=` or the JSON body's top-level `"model"` (beside
 * the scoring-protocol keys, removed from the body before it is parsed); both must agree.
 */
export function invocationModel(query: string | undefined, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('model' in body)) return query;
  const o = body as Record<string, unknown>;
  const inBody = modelParam(o.model, 'Body key');
  delete o.model;
  if (query !== undefined && inBody !== undefined && query !== inBody) {
    throw MlflowError.invalid(`The model is named twice and differently: ?model=${query} and "model": "${inBody}".`);
  }
  return query ?? inBody;
}
