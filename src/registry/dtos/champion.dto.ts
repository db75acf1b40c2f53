import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { f, message } from '../../common/proto/fields';

export const PromoteChampionReq = message({
  run_id: f
    .string()
    .doc(
      "Register this run's `model` artifact directory as a new version and make it champion",
      '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    ),
  version: f.string().numeric().doc('Make this existing version champion', '3'),
  force: f
    .bool()
    .doc(
      'Promote even a run that loses significantly to persistence on its test days (refused otherwise); ' +
        "recorded as tag 'tsflow.champion.forced' on the version and the run",
      false,
    ),
});

const versionRef: SchemaObject = {
  type: 'object',
  properties: {
    version: { type: 'string', example: '3' },
    run_id: { type: 'string', nullable: true, example: '0a1b2c3d4e5f60718293a4b5c6d7e8f9' },
  },
};

const championInfo: SchemaObject = {
  type: 'object',
  properties: {
    ...versionRef.properties,
    source: { type: 'string', example: 'mlflow-artifacts:/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts/model' },
    artifact_uri: {
      type: 'string',
      description: 'Where the model files are',
      example: 'mlflow-artifacts:/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts/model',
    },
  },
};

export const PROMOTION_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    model: { type: 'string', example: 'lstm-msft' },
    previous: { ...versionRef, nullable: true, description: 'The champion before (null when there was none)' },
    champion: championInfo,
    forced: { type: 'boolean', description: 'The run failed the promotion floor and `force` overrode it' },
    floor: {
      type: 'object',
      nullable: true,
      description: "The promotion floor on the run's test metrics (null when the run has none)",
      properties: {
        passed: { type: 'boolean' },
        test_skill: { type: 'number', nullable: true },
        test_dm_pvalue: { type: 'number', nullable: true },
        alpha: { type: 'number' },
      },
    },
  },
  example: {
    model: 'lstm-msft',
    forced: false,
    floor: { passed: true, test_skill: 0.012, test_dm_pvalue: 0.21, alpha: 0.05 },
    previous: { version: '2', run_id: '1b2c3d4e5f60718293a4b5c6d7e8f90a' },
    champion: {
      version: '3',
      run_id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      source: 'mlflow-artifacts:/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts/model',
      artifact_uri: 'mlflow-artifacts:/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts/model',
    },
  },
};

export const CHAMPION_SCHEMA: SchemaObject = {
  type: 'object',
  properties: { model: { type: 'string', example: 'lstm-msft' }, champion: championInfo },
};
