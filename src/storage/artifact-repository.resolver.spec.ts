import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../common/mlflow-error';
import { loadConfig } from '../config/app-config';
import { ArtifactRepositoryResolver } from './artifact-repository.resolver';
import { LocalArtifactRepository } from './local-artifact.repository';
import { S3ArtifactRepository } from './s3/s3-artifact.repository';

describe('ArtifactRepositoryResolver', () => {
  const proxied = new LocalArtifactRepository(path.join(os.tmpdir(), 'tsflow-resolver-never-created'));
  const allowed = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-resolver-root-')));
  const config = { ...loadConfig({}, os.tmpdir()), localArtifactRoots: [allowed] };
  const resolver = new ArtifactRepositoryResolver(proxied, config);

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

  it('file: URIs and absolute paths inside an allowed local root get a local repository rooted there', () => {
    const dir = path.join(allowed, 'some root');
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
  ])('stored URI %s with an unsafe path → Invalid path', (uri) => {
    expect(() => resolver.resolve(uri)).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE, message: 'Invalid path' }),
    );
  });

  it.each([
    // issue 16 fault 1: the query once swallowed the run path and file: conversion kept '/etc'
    'file:///etc?x/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts',
    'file:///etc',
    'file://otherhost/etc',
    '/etc',
    `file://${allowed}/../../etc`,
    `${allowed}/../outside`,
    `file://${allowed}#x`,
    'relative/dir',
    'C:\\x',
  ])('local location %s outside the allowed roots (or with a query) → 400', (uri) => {
    expect(() => resolver.resolve(uri)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE }));
  });

  it('a symlink inside an allowed root that leads out of it is refused', () => {
    const link = path.join(allowed, 'escape');
    fs.symlinkSync('/etc', link);
    expect(() => resolver.resolve(pathToFileURL(path.join(link, 'ssh')).href)).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE }),
    );
  });

  it('s3:// URIs → one S3 repository per bucket, the key path as base', () => {
    const a = resolver.resolve('s3://bucket/some/prefix/1/r/artifacts');
    expect(a.repository).toBeInstanceOf(S3ArtifactRepository);
    expect(a.base.toString()).toBe('some/prefix/1/r/artifacts');
    expect(resolver.resolve('s3://bucket/other').repository).toBe(a.repository);
    expect(resolver.resolve('s3://bucket2/x').repository).not.toBe(a.repository);
  });

  it.each(['s3://bucket/a/../../b', 's3://bucket/a?x=1', 's3:///nobucket', 's3://b/a%2f..%2f..'])(
    'unsafe s3 URI %s → 400',
    (uri) => {
      expect(() => resolver.resolve(uri)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE }));
    },
  );

  it.each(['gs://bucket/prefix', 'dbfs:/x', 'http://host/other/path'])('%s is not served (501)', (uri) => {
    expect(() => resolver.resolve(uri)).toThrow(expect.objectContaining({ code: ErrorCode.NOT_IMPLEMENTED }));
  });
});
