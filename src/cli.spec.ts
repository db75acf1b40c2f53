import { describe, expect, it } from 'vitest';
import { serverEnv } from './cli';
import { loadConfig } from './config/app-config';

describe('serverEnv', () => {
  it('maps every mlflow server flag to its environment variable', () => {
    const env = serverEnv(
      [
        '--host',
        '0.0.0.0',
        '--port',
        '8080',
        '--backend-store-uri',
        'postgresql://h/db',
        '--default-artifact-root',
        's3://b/r',
        '--artifacts-destination',
        '/data/artifacts',
      ],
      {},
    );
    expect(env).toEqual({
      MLFLOW_HOST: '0.0.0.0',
      MLFLOW_PORT: '8080',
      MLFLOW_BACKEND_STORE_URI: 'postgresql://h/db',
      MLFLOW_DEFAULT_ARTIFACT_ROOT: 's3://b/r',
      MLFLOW_ARTIFACTS_DESTINATION: '/data/artifacts',
    });
  });

  it('accepts short flags and --flag=value', () => {
    expect(serverEnv(['-h', '::', '-p', '9000'], {})).toEqual({ MLFLOW_HOST: '::', MLFLOW_PORT: '9000' });
    expect(serverEnv(['--port=9001'], {})).toEqual({ MLFLOW_PORT: '9001' });
  });

  it('--serve-artifacts / --no-serve-artifacts set MLFLOW_SERVE_ARTIFACTS', () => {
    expect(serverEnv(['--no-serve-artifacts'], {}).MLFLOW_SERVE_ARTIFACTS).toBe('false');
    expect(serverEnv(['--serve-artifacts'], { MLFLOW_SERVE_ARTIFACTS: 'false' }).MLFLOW_SERVE_ARTIFACTS).toBe('true');
    expect(loadConfig(serverEnv(['--no-serve-artifacts'], {})).serveArtifacts).toBe(false);
  });

  it('keeps the rest of the environment, flags override it, and the input is not modified', () => {
    const input = { MLFLOW_PORT: '1111', REDIS_URL: 'redis://r' };
    const env = serverEnv(['--port', '2222'], input);
    expect(env).toEqual({ MLFLOW_PORT: '2222', REDIS_URL: 'redis://r' });
    expect(input).toEqual({ MLFLOW_PORT: '1111', REDIS_URL: 'redis://r' });
    expect(serverEnv([], input)).toEqual(input);
  });

  it('--help is passed on as TSFLOW_HELP', () => {
    expect(serverEnv(['--help'], {}).TSFLOW_HELP).toBe('1');
  });

  it.each([['--workers', '4'], ['--gunicorn-opts', 'x'], ['positional'], ['--port']])('rejects %j', (...argv) => {
    expect(() => serverEnv(argv, {})).toThrow();
  });
});
