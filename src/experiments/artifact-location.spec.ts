import { describe, expect, it } from 'vitest';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { normaliseArtifactLocation } from './artifact-location';

function errorOf(location: string): string {
  let caught: unknown;
  try {
    normaliseArtifactLocation(location, '/srv/app');
  } catch (e) {
    caught = e;
  }
  expect(caught, location).toBeInstanceOf(MlflowError);
  expect((caught as MlflowError).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
  return (caught as MlflowError).message;
}

const FRAGMENTS = "'artifact_location' URL can't include fragments or params.";

describe('normaliseArtifactLocation: rejected (mlflow-api.md §13.2, T1)', () => {
  it.each([
    ['http://host#/abc/etc/', FRAGMENTS],
    ['http:///#/../../../../etc/', FRAGMENTS],
    ['http://host/%23/../etc/', FRAGMENTS],
    ['http://host/%2523frag', FRAGMENTS],
    ['http://host/;..%2F..%2Fetc', FRAGMENTS],
    ['s3://bucket/path;params', FRAGMENTS],
    ['http:///?/../../../../etc/', 'Invalid query string'],
    ['http://host/x?a=%2E%2E%2Fetc', 'Invalid query string'],
    ['http://host/x?a=%252E%252E', 'Invalid query string'],
  ])('%s', (location, message) => {
    expect(errorOf(location)).toBe(message);
  });

  it('rejects runs:/ and models:/ URIs', () => {
    expect(errorOf('runs:/0123456789abcdef/x')).toContain('runs:/');
    expect(errorOf('RUNS:/abc/x')).toContain('runs:/');
    expect(errorOf('models:/m/1')).toContain('models:/');
  });

  it('rejects NUL bytes, also encoded', () => {
    expect(errorOf('file:///tmp/a%00b')).toContain('NUL');
    expect(errorOf('/tmp/a\0b')).toContain('NUL');
  });

  it('rejects more than 2048 characters', () => {
    expect(errorOf(`s3://b/${'x'.repeat(2049 - 7)}`)).toBe(
      "'artifact_location' exceeds the maximum length of 2048 characters",
    );
    expect(() => normaliseArtifactLocation(`s3://b/${'x'.repeat(2048 - 7)}`)).not.toThrow();
  });
});

describe('normaliseArtifactLocation: accepted', () => {
  it.each([
    's3://bucket/path/to/root',
    'mlflow-artifacts:/team-a',
    'mlflow-artifacts://host:9000/x',
    'file:///var/mlruns',
    'gs://b/p',
    'http://host/path?x=1;y=2',
    'https://host/a/b?token=abc',
    'dbfs:/mnt/x',
  ])('keeps %s unchanged', (location) => {
    expect(normaliseArtifactLocation(location, '/srv/app')).toBe(location);
  });

  it('keeps local paths as absolute paths, as MLflow does (issue 15)', () => {
    expect(normaliseArtifactLocation('mlruns', '/srv/app')).toBe('/srv/app/mlruns');
    expect(normaliseArtifactLocation('./a/../b', '/srv/app')).toBe('/srv/app/b');
    expect(normaliseArtifactLocation('../shared', '/srv/app')).toBe('/srv/shared');
    expect(normaliseArtifactLocation('/abs/path', '/srv/app')).toBe('/abs/path');
    expect(normaliseArtifactLocation('with space/x', '/srv/app')).toBe('/srv/app/with space/x');
  });

  it("refuses '?' and '#' in local paths (they would be read as a query)", () => {
    expect(errorOf('/tmp/a?x')).toContain("must not contain '?' or '#'");
  });
});
