import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repeatedSingleValuedHeader } from '../../common/http/duplicate-headers';
import { areaKey, overlap, servedByServer, within } from './artifact-areas';

const dest = path.join(os.tmpdir(), 'tsflow-areas-spec', 'artifacts');
const ctx = { artifactsDestination: dest, cwd: '/srv/tsflow' };
const key = (uri: string) => areaKey(uri, ctx);

describe('artifact areas', () => {
  it('gives every spelling of a proxied object the key of its file under the destination', () => {
    const expected = `local:${path.join(dest, '1', 'abc', 'artifacts')}`;
    for (const uri of [
      'mlflow-artifacts:/1/abc/artifacts',
      'mlflow-artifacts:///1/abc/artifacts/',
      'mlflow-artifacts://host:5000/1/abc/artifacts',
      'mlflow-artifacts:/1%2Fabc/artifacts',
      'mlflow-artifacts:/1//abc/./artifacts',
      'http://any.host/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts',
      'https://h/prefix/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts',
      `file://${dest}/1/abc/artifacts`,
      `${dest}/1/abc/artifacts`,
    ])
      expect(key(uri), uri).toBe(expected);
  });

  it('resolves relative local paths against the working directory; refuses what cannot be read safely', () => {
    expect(key('mlruns/1')).toBe(`local:${path.resolve('/srv/tsflow', 'mlruns/1')}`);
    for (const uri of [
      'mlflow-artifacts:/1/../2',
      'mlflow-artifacts:/1/%2e%2e/2',
      'file://other-host/x',
      'file:///x?y',
    ])
      expect(key(uri), uri).toBeUndefined();
  });

  it('keys object stores by bucket and path (s3a/s3n are s3)', () => {
    expect(key('s3a://Bucket/a//b/')).toBe('s3://bucket/a/b');
    expect(key('gs://b/x')).toBe('gs://b/x');
  });

  it('overlap is containment either way, on segment boundaries', () => {
    expect(within('s3://b/a', 's3://b/a/c')).toBe(true);
    expect(within('s3://b/a', 's3://b/ab')).toBe(false);
    expect(overlap('s3://b/a/c', 's3://b/a')).toBe(true);
    expect(overlap('s3://b/a', 's3://b/a')).toBe(true);
    expect(overlap('s3://b/a', 's3://c/a')).toBe(false);
  });

  it('knows which URIs the server reads with its own credentials', () => {
    for (const uri of [
      'mlflow-artifacts:/x',
      's3://b/x',
      '/tmp/x',
      'file:///x',
      'http://h/api/2.0/mlflow-artifacts/artifacts/x',
    ])
      expect(servedByServer(uri), uri).toBe(true);
    for (const uri of ['gs://b/x', 'http://h/model', 'hdfs://n/x', 'runs:/r/m'])
      expect(servedByServer(uri), uri).toBe(false);
  });
});

describe('repeated single-valued headers', () => {
  it('finds a second Host, Authorization or Content-Type in any case; lets repeatable ones pass', () => {
    expect(repeatedSingleValuedHeader(['Host', 'a', 'Accept', '*/*', 'host', 'b'])).toBe('host');
    expect(repeatedSingleValuedHeader(['Authorization', 'x', 'AUTHORIZATION', 'x'])).toBe('authorization');
    expect(repeatedSingleValuedHeader(['content-type', 'a', 'Content-Type', 'b'])).toBe('content-type');
    expect(repeatedSingleValuedHeader(['Accept', 'a', 'accept', 'b', 'Host', 'h'])).toBeUndefined();
  });
});
