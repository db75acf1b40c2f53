import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../common/mlflow-error';
import { appendToUri, parseUri } from './artifact-uri';

describe('appendToUri (MLflow append_to_uri_path)', () => {
  it.each([
    ['mlflow-artifacts:', ['1'], 'mlflow-artifacts:/1'],
    ['mlflow-artifacts:/1', ['r', 'artifacts'], 'mlflow-artifacts:/1/r/artifacts'],
    ['mlflow-artifacts://host:5000/x/', ['r'], 'mlflow-artifacts://host:5000/x/r'],
    ['s3://bucket', ['1'], 's3://bucket/1'],
    ['s3://bucket/base/path?param=value', ['r', 'artifacts'], 's3://bucket/base/path/r/artifacts?param=value'],
    ['file:///etc?x', ['r', 'artifacts'], 'file:///etc/r/artifacts?x'],
    ['file:///tmp/a#frag', ['r'], 'file:///tmp/a/r#frag'],
    ['/srv/mlruns', ['1'], '/srv/mlruns/1'],
    ['S3://Bucket/p', ['x'], 'S3://Bucket/p/x'],
  ])('%s + %j → %s', (uri, segments, expected) => {
    expect(appendToUri(uri, ...segments)).toBe(expected);
  });

  it.each(['..', '.', '', 'a/b', 'a\\b', 'a\u0000'])('refuses the segment %j', (segment) => {
    expect(() => appendToUri('s3://b/p', segment)).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE }),
    );
  });

  it('parses scheme, authority, path, query and fragment apart', () => {
    expect(parseUri('file:///etc?x/r/artifacts')).toEqual({
      scheme: 'file',
      authority: '',
      path: '/etc',
      query: 'x/r/artifacts',
      fragment: undefined,
    });
    expect(parseUri('C:\\x')).toEqual({ path: 'C:\\x' });
    expect(parseUri('/a/b')).toEqual({ path: '/a/b' });
  });
});
