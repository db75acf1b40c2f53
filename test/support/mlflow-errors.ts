import { expect } from 'vitest';
import { ErrorCode, MlflowError } from '../../src/common/mlflow-error';

/** Runs `fn`, asserts it threw MLflow's 400 INVALID_PARAMETER_VALUE, and returns the message. */
export function invalidMessage(fn: () => unknown): string {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(MlflowError);
  expect((caught as MlflowError).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
  expect((caught as MlflowError).status).toBe(400);
  return (caught as MlflowError).message;
}
