import { MlflowError } from '../common/mlflow-error';

/**
 * The `?model=` of /ping and /invocations. A repeated parameter arrives as an array: refuse it
 * (it once became a "model name" kept forever, and /health failed sorting names).
 */
export function modelParam(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw MlflowError.invalid("Parameter 'model' must be given once, as a string.");
  if (value.length > 256 || value.includes('\u0000')) throw MlflowError.invalid("Invalid value for parameter 'model'.");
  return value;
}
