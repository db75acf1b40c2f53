import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseBackendStoreUri } from './app-config';

const CWD = '/srv/tsflow';

describe('parseBackendStoreUri', () => {
  it('sqlite:///rel is relative to the working directory, sqlite:////abs is absolute', () => {
    expect(parseBackendStoreUri('sqlite:///mlflow.db', CWD)).toEqual({ type: 'sqlite', path: '/srv/tsflow/mlflow.db' });
    expect(parseBackendStoreUri('sqlite:///data/x.db', CWD)).toEqual({ type: 'sqlite', path: '/srv/tsflow/data/x.db' });
    expect(parseBackendStoreUri('sqlite:////var/lib/mlflow.db', CWD)).toEqual({
      type: 'sqlite',
      path: '/var/lib/mlflow.db',
    });
    expect(parseBackendStoreUri('SQLITE:///a.db', CWD)).toEqual({ type: 'sqlite', path: '/srv/tsflow/a.db' });
  });

  it('sqlite:// and sqlite:///:memory: are in-memory databases', () => {
    expect(parseBackendStoreUri('sqlite://', CWD)).toEqual({ type: 'sqlite', path: ':memory:' });
    expect(parseBackendStoreUri('sqlite:///:memory:', CWD)).toEqual({ type: 'sqlite', path: ':memory:' });
  });

  it('postgres URIs, with or without a SQLAlchemy driver suffix, become postgresql:// URLs', () => {
    expect(parseBackendStoreUri('postgresql://u:p@db:5432/mlflow', CWD)).toEqual({
      type: 'postgres',
      url: 'postgresql://u:p@db:5432/mlflow',
    });
    expect(parseBackendStoreUri('postgresql+psycopg2://u:p@db/mlflow?sslmode=require', CWD)).toEqual({
      type: 'postgres',
      url: 'postgresql://u:p@db/mlflow?sslmode=require',
    });
    expect(parseBackendStoreUri('postgres://db/mlflow', CWD)).toEqual({
      type: 'postgres',
      url: 'postgresql://db/mlflow',
    });
  });

  it.each([
    'mysql://u@h/db',
    'mssql+pyodbc://h/db',
    'file:///tmp/mlruns',
    './mlruns',
    'sqlite:/x.db',
    'postgresql:db',
    '',
  ])('rejects %j', (uri) => {
    expect(() => parseBackendStoreUri(uri, CWD)).toThrow(ConfigError);
  });
});

describe('loadConfig', () => {
  it('has mlflow server defaults', () => {
    const c = loadConfig({}, CWD);
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 5000,
      database: { type: 'sqlite', path: path.join(CWD, 'tsflow.db') },
      defaultArtifactRoot: 'mlflow-artifacts:',
      artifactsDestination: path.join(CWD, 'artifacts'),
      serveArtifacts: true,
      logLevel: 'log',
      mlflowVersion: '3.6.0',
    });
    expect(c.maxBodyBytes).toBeGreaterThanOrEqual(16 * 1024 * 1024);
  });

  it('MLFLOW_* variables win over the PORT / HOST / DATABASE_URL shorthands', () => {
    const both = loadConfig(
      {
        MLFLOW_PORT: '6000',
        PORT: '7000',
        MLFLOW_HOST: '0.0.0.0',
        HOST: '10.0.0.1',
        MLFLOW_BACKEND_STORE_URI: 'sqlite:///a.db',
        DATABASE_URL: 'postgresql://h/db',
      },
      CWD,
    );
    expect(both).toMatchObject({ port: 6000, host: '0.0.0.0', database: { type: 'sqlite', path: '/srv/tsflow/a.db' } });
    const shorthands = loadConfig({ PORT: '7000', HOST: '10.0.0.1', DATABASE_URL: 'postgresql://h/db' }, CWD);
    expect(shorthands).toMatchObject({
      port: 7000,
      host: '10.0.0.1',
      database: { type: 'postgres', url: 'postgresql://h/db' },
    });
  });

  it('reads the artifact settings', () => {
    const c = loadConfig(
      {
        MLFLOW_DEFAULT_ARTIFACT_ROOT: 's3://bucket/root/',
        MLFLOW_ARTIFACTS_DESTINATION: 'store',
        MLFLOW_SERVE_ARTIFACTS: 'false',
      },
      CWD,
    );
    expect(c).toMatchObject({
      defaultArtifactRoot: 's3://bucket/root',
      artifactsDestination: '/srv/tsflow/store',
      serveArtifacts: false,
    });
    expect(loadConfig({ MLFLOW_SERVE_ARTIFACTS: '1' }, CWD).serveArtifacts).toBe(true);
    expect(loadConfig({ MLFLOW_DEFAULT_ARTIFACT_ROOT: 'mlflow-artifacts:/' }, CWD).defaultArtifactRoot).toBe(
      'mlflow-artifacts:',
    );
  });

  it('reads the S3 and local-root settings (MLflow and AWS variable names)', () => {
    const c = loadConfig(
      {
        MLFLOW_ARTIFACTS_DESTINATION: 's3://bucket/prefix/',
        MLFLOW_S3_ENDPOINT_URL: 'http://127.0.0.1:9000',
        AWS_ACCESS_KEY_ID: 'id',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_DEFAULT_REGION: 'eu-west-1',
        MLFLOW_DEFAULT_ARTIFACT_ROOT: './mlruns',
        TSFLOW_LOCAL_ARTIFACT_ROOTS: 'a, file:///data/b',
      },
      CWD,
    );
    expect(c.artifactsDestination).toBe('s3://bucket/prefix');
    expect(c.defaultArtifactRoot).toBe('/srv/tsflow/mlruns');
    expect(c.localArtifactRoots).toEqual(['/srv/tsflow/mlruns', '/srv/tsflow/a', '/data/b']);
    expect(c.s3).toMatchObject({
      endpointUrl: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
    expect(loadConfig({}, CWD).localArtifactRoots).toEqual([]);
    expect(loadConfig({ MLFLOW_ARTIFACTS_DESTINATION: 'file:///srv/x' }, CWD).artifactsDestination).toBe('/srv/x');
  });

  it.each([
    { MLFLOW_PORT: 'abc' },
    { MLFLOW_PORT: '70000' },
    { PORT: '-1' },
    { PORT: '80.5' },
    { MLFLOW_SERVE_ARTIFACTS: 'maybe' },
    { LOG_LEVEL: 'chatty' },
    { TSFLOW_MLFLOW_VERSION: 'latest' },
    { MLFLOW_BACKEND_STORE_URI: 'mysql://h/db' },
    { MLFLOW_ARTIFACTS_DESTINATION: 'gs://bucket/x' },
    { MLFLOW_S3_ENDPOINT_URL: 'not a url' },
    { TSFLOW_LOCAL_ARTIFACT_ROOTS: 's3://bucket' },
  ])('rejects %j with a ConfigError', (env) => {
    expect(() => loadConfig(env, CWD)).toThrow(ConfigError);
  });

  it('names the offending variable', () => {
    expect(() => loadConfig({ MLFLOW_PORT: 'abc' }, CWD)).toThrow(/MLFLOW_PORT/);
  });
});
