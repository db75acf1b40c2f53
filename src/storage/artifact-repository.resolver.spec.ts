import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../common/mlflow-error';
import { ArtifactRepositoryResolver } from './artifact-repository.resolver';
import { LocalArtifactRepository } from './local-artifact.repository';

describe('ArtifactRepositoryResolver', () => {
  const proxied = new LocalArtifactRepository(path.join(os.tmpdir(), 'tsflow-resolver-never-created'));
  const resolver = new ArtifactRepositoryResolver(proxied);

  it.each([
    ['mlflow-artifacts:/1/abc/artifacts', '1/abc/artifacts'],
    ['mlflow-artifacts:///1/abc/artifacts', '1/abc/artifacts'],
    ['mlflow-artifacts://host:5000/1/abc/artifacts', '1/abc/artifacts'],
    ['mlflow-artifacts:/models///', 'models'],
    ['mlflow-artifacts:', ''],
    ['http://host:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts', '1/abc/artifacts'],
    ['https://host/prefix/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts', '0/r/artifacts'],
  ])('%s → the proxied destination at %j', (uri, base) => {
    const resolved = resolver.resolve(uri);
    expect(resolved.repository).toBe(proxied);
    expect(resolved.base.toString()).toBe(base);
  });

  it('file: URIs and absolute paths get a local repository rooted there', () => {
    const dir = path.join(os.tmpdir(), 'some root');
    const fromUri = resolver.resolve(pathToFileURL(dir).href);
    expect(fromUri.repository).toBeInstanceOf(LocalArtifactRepository);
    expect(fromUri.repository.location).toBe(dir);
    expect(fromUri.base.isRoot).toBe(true);
    expect(resolver.resolve(dir).repository.location).toBe(dir);
  });

  it.each([
    'mlflow-artifacts:/../../etc',
    'mlflow-artifacts://host:9000/models/..%2f..%2fartifacts',
    'mlflow-artifacts:/x%00',
    'mlflow-artifacts:/1/r/artifacts#/../../..',
    'http://host/api/2.0/mlflow-artifacts/artifacts/../../../',
    'file://otherhost/etc',
  ])('stored URI %s with an unsafe path → Invalid path', (uri) => {
    expect(() => resolver.resolve(uri)).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE, message: 'Invalid path' }),
    );
  });

  it.each(['s3://bucket/prefix', 'dbfs:/x', 'http://host/other/path', 'relative/dir'])(
    '%s is not served (501)',
    (uri) => {
      expect(() => resolver.resolve(uri)).toThrow(expect.objectContaining({ code: ErrorCode.NOT_IMPLEMENTED }));
    },
  );
});
