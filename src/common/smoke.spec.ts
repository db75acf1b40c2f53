import { describe, expect, it } from 'vitest';
import { ErrorCode, MlflowError } from './mlflow-error';
describe('MlflowError', () => {
  it('maps RESOURCE_ALREADY_EXISTS to 400', () => {
    expect(new MlflowError(ErrorCode.RESOURCE_ALREADY_EXISTS, 'x').status).toBe(400);
  });
});
