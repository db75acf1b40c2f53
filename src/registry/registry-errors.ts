import { MlflowError } from '../common/mlflow-error';

/** MLflow's exact registry error messages (mlflow-api.md §5 general rules). */
export const modelNotFound = (name: string) => MlflowError.notFound(`Registered Model with name=${name} not found`);

export const versionNotFound = (name: string, version: number | string) =>
  MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);

export const modelExists = (name: string) => MlflowError.exists(`Registered Model (name=${name}) already exists.`);

/** MLflow answers an unknown alias with 400, not 404 (kept for client compatibility). */
export const aliasNotFound = (alias: string) => MlflowError.invalid(`Registered model alias ${alias} not found.`);
