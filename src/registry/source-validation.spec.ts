import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import type { RunInfo } from '../experiments/tracking.types';
import { LocalArtifactRoots } from '../storage/local-roots';
import { decodeFully, isLocalUri, validateSource } from './source-validation';

const RUN_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';

function runWithRoot(artifactUri: string): RunInfo {
  return {
    runId: RUN_ID,
    runName: 'r',
    experimentId: '1',
    userId: '',
    status: 'FINISHED',
    startTime: 0,
    endTime: null,
    artifactUri,
    lifecycleStage: 'active',
  };
}

const remoteRun = runWithRoot(`mlflow-artifacts:/1/${RUN_ID}/artifacts`);

function rejection(source: string, run?: RunInfo): string {
  try {
    validateSource(source, run);
  } catch (err) {
    expect(err).toBeInstanceOf(MlflowError);
    expect((err as MlflowError).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    return (err as MlflowError).message;
  }
  throw new Error(`source ${JSON.stringify(source)} was accepted`);
}

const LOCAL = 'To use a local path as a model version source, the run_id request parameter has to be specified';

describe('validateSource: mlflow-api.md §13.2 corpus (run root mlflow-artifacts:)', () => {
  it.each([
    '/etc',
    '/srv',
    'file:///etc/',
    'file://./etc',
    'file://localhost/etc',
    '//proc/self/root',
    'C:\\path',
    'relative/model',
  ])('refuses local source %s', (source) => {
    const message = rejection(source, remoteRun);
    expect(message).toBe(
      `Invalid model version source: '${source}'. ${LOCAL} and the local path has to be contained within the artifact directory of the run specified by the run_id.`,
    );
    expect(rejection(source)).toContain(LOCAL);
  });

  it.each(['file://evil.example.com/../../../', 'file://123.456.789.123/path/to/source'])(
    'refuses a file: source on another host with MLflow is_local_uri message: %s',
    (source) => {
      const expected =
        `${source} is not a valid remote uri. For remote access on windows, please consider using a different ` +
        'scheme such as SMB (e.g. smb://<hostname>/<path>).';
      expect(rejection(source, remoteRun)).toBe(expected);
      expect(rejection(source)).toBe(expected);
    },
  );

  it.each([
    'mlflow-artifacts://host:9000/models/../../../',
    'mlflow-artifacts://host:9000/models/..%2f..%2fartifacts',
    'mlflow-artifacts://host:9000/models/artifact%00',
    'http://host:9000/models/../../../',
    'https://host/api/2.0/mlflow-artifacts/artifacts/../../../',
    's3a://my_bucket/api/2.0/mlflow-artifacts/artifacts/../../../',
    'ftp://host:8888/api/2.0/mlflow-artifacts/artifacts/../../../',
    `dbfs:/${RUN_ID}/artifacts/a%3f/../../../../../../../../../../`,
    'mlflow-artifacts:/models/%252E%252E/x',
    'mlflow-artifacts:/models/%2%0952e%2%0952e/x',
    'mlflow-artifacts:/models/./x',
    'mlflow-artifacts:models',
    'mlflow-artifacts:/',
    `runs:/${RUN_ID}/../../etc`,
    'models:/m/../1',
  ])('refuses traversal in %s', (source) => {
    expect(rejection(source, remoteRun)).toBe(
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, ` +
        'or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.',
    );
  });

  it.each([
    'http://host/model',
    'https://host/api/2.0/mlflow-artifacts/artifacts/x',
    's3://bucket/model',
    's3a://bucket/model',
    'gs://bucket/model',
    'wasbs://container@account.blob.core.windows.net/model',
    'abfss://fs@account.dfs.core.windows.net/model',
    `dbfs:/${RUN_ID}/artifacts/model`,
    'dbfs:/databricks/mlflow-tracking/1/r/artifacts/model',
    'hdfs://nn/model',
    'viewfs://cluster/model',
    'ftp://host/model',
    'sftp://host/model',
    'oss://bucket/model',
    'r2://bucket@account/model',
  ])('accepts the remote scheme MLflow accepts: %s, with or without a run (issue 15)', (source) => {
    expect(validateSource(source, remoteRun)).toEqual({ kind: 'direct' });
    expect(validateSource(source)).toEqual({ kind: 'direct' });
  });

  it.each(['gopher://host/model', 'javascript:/alert(1)', 'data:/x', 'jar:/x'])(
    'refuses schemes no artifact repository exists for: %s',
    (source) => {
      expect(rejection(source, remoteRun)).toBe(`Invalid model version source: '${source}'.`);
    },
  );

  it.each([
    'mlflow-artifacts:/models',
    'mlflow-artifacts:/models/',
    'mlflow-artifacts:/models///',
    'mlflow-artifacts:/models/foo///bar',
    'mlflow-artifacts://host:9000/models',
    'mlflow-artifacts://host:9000/models/artifact/..../',
    'mlflow-artifacts:/dog%step%100%timestamp%100',
    remoteRun.artifactUri,
    `${remoteRun.artifactUri}/model`,
  ])('accepts %s', (source) => {
    expect(validateSource(source, remoteRun)).toEqual({ kind: 'direct' });
  });

  it('accepts sources inside remote run roots, traversal still refused', () => {
    const s3Run = runWithRoot(`s3://bucket/1/${RUN_ID}/artifacts`);
    expect(validateSource(`${s3Run.artifactUri}/model`, s3Run)).toEqual({ kind: 'direct' });
    expect(rejection(`${s3Run.artifactUri}/../../x`, s3Run)).toContain('without relative path references');
    expect(rejection(`${s3Run.artifactUri}/%2e%2e/x`, s3Run)).toContain('without relative path references');
  });

  it('parses runs:/ and models:/ references', () => {
    expect(validateSource(`runs:/${RUN_ID}/model`)).toEqual({ kind: 'runs', runId: RUN_ID, path: 'model' });
    expect(validateSource(`runs:/${RUN_ID}`)).toEqual({ kind: 'runs', runId: RUN_ID, path: '' });
    expect(validateSource('models:/churn/3')).toEqual({ kind: 'models', name: 'churn', version: 3 });
    expect(validateSource('models:/churn@champion')).toEqual({ kind: 'models', name: 'churn', alias: 'champion' });
    expect(validateSource('models:/churn/production')).toEqual({ kind: 'models', name: 'churn', stage: 'Production' });
    expect(validateSource('models:/churn/latest')).toEqual({ kind: 'models', name: 'churn', latest: true });
    // MLflow 3: a single segment names a logged model.
    expect(validateSource('models:/m-0123456789abcdef')).toEqual({
      kind: 'logged-model',
      modelId: 'm-0123456789abcdef',
    });
    expect(rejection('models:/churn/banana')).toContain('Expected models:/<name>/');
    expect(rejection('runs:/not$an$id/model')).toContain('Expected runs:/<run_id>/');
  });

  it('lets prompt versions use a placeholder source, and nothing more', () => {
    expect(validateSource('dummy-source', undefined, true)).toEqual({ kind: 'direct' });
    expect(rejection('dummy-source')).toContain(LOCAL);
    for (const source of ['a/../../etc', 'a%00b', '/etc', '%2Fetc', 'file:///etc', '//proc/self/root']) {
      expect(() => validateSource(source, undefined, true), source).toThrow(MlflowError);
    }
    expect(() => validateSource('gopher://attacker.example/p', undefined, true)).toThrow(MlflowError);
  });
});

describe('validateSource: local artifact roots', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-src-'));
  const root = path.join(dir, '1', RUN_ID, 'artifacts');
  fs.mkdirSync(path.join(root, 'model'), { recursive: true });
  fs.symlinkSync('/etc', path.join(root, 'escape'));
  const localRun = runWithRoot(pathToFileURL(root).href);
  const allowed = new LocalArtifactRoots([dir]);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts paths contained in the run root (plain, file://, file://localhost, normalising inside)', () => {
    for (const source of [
      root,
      path.join(root, 'model'),
      `${root}/.`,
      `${root}/model/..`,
      pathToFileURL(path.join(root, 'model')).href,
      `file://localhost${path.join(root, 'model')}`,
    ]) {
      expect(validateSource(source, localRun, false, allowed)).toEqual({ kind: 'direct' });
      // Only when the server allows local roots at all, and the run's root is inside them.
      expect(rejection(source, localRun)).toContain(LOCAL);
      expect(() => validateSource(source, localRun, false, new LocalArtifactRoots([`${dir}-other`]))).toThrow(
        MlflowError,
      );
    }
  });

  it('refuses paths outside the root, through symlinks, on other hosts, or without a run', () => {
    for (const source of [
      dir,
      `${root}/../x`,
      `${root}-sibling/model`,
      path.join(root, 'escape'),
      `file://otherhost${root}/model`,
    ]) {
      expect(() => validateSource(source, localRun, false, allowed), source).toThrow(MlflowError);
    }
    expect(() => validateSource(path.join(root, 'model'), undefined, false, allowed)).toThrow(MlflowError);
  });
});

describe('helpers', () => {
  it('decodes until stable, like repeated unquote_plus', () => {
    expect(decodeFully('%252E%252E%252F')).toBe('../');
    expect(decodeFully('a+b%2Bc')).toBe('a b c');
    expect(decodeFully('%2%0952e')).toBe('%2\t52e');
    expect(decodeFully('100%')).toBe('100%');
  });

  it('classifies local URIs in one place', () => {
    for (const uri of ['/x', 'x', '//x', 'file:x', 'file:///x', 'file://host/x', 'C:\\x'])
      expect(isLocalUri(uri)).toBe(true);
    for (const uri of ['mlflow-artifacts:/x', 's3://b/x', 'runs:/r/m', 'models:/m/1'])
      expect(isLocalUri(uri)).toBe(false);
  });
});
