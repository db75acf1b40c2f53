import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/common/mlflow-error';
import { loadConfig } from '../src/config/app-config';
import { LocalArtifactRepository } from '../src/storage/local-artifact.repository';
import { createS3Client } from '../src/storage/s3/s3-client';
import { S3ArtifactRepository } from '../src/storage/s3/s3-artifact.repository';
import { ArtifactPath } from '../src/storage/safe-path';
import { artifactRepositoryCases } from './support/artifact-repository.cases';
import { startS3, TestS3 } from './support/s3';

const PART = 5 * 1024 * 1024;

describe('ArtifactRepository conformance: local filesystem', () => {
  let base: string;
  let repo: LocalArtifactRepository;
  beforeEach(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-conf-'));
    repo = new LocalArtifactRepository(path.join(base, 'artifacts'));
    await repo.init();
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));
  artifactRepositoryCases(() => repo);
});

describe('ArtifactRepository conformance: S3 (s3rver)', () => {
  let s3: TestS3;
  let repo: S3ArtifactRepository;
  let n = 0;
  const s3Config = () => ({ ...loadConfig(s3.env).s3, multipartPartBytes: PART });
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => {
    await s3?.close();
  });
  beforeEach(async () => {
    const bucket = `conf-${++n}`;
    await s3.createBucket(bucket);
    repo = new S3ArtifactRepository(createS3Client(s3Config()), bucket, 'some/prefix', { partBytes: PART });
  });
  artifactRepositoryCases(() => repo, 2 * PART + 123);

  it('names from the listing that are not plain segments are skipped (CVE-2023-6975)', async () => {
    await s3.client.send(new PutObjectCommand({ Bucket: repo.bucket, Key: 'some/prefix/d/ok.txt', Body: 'x' }));
    await s3.client.send(new PutObjectCommand({ Bucket: repo.bucket, Key: 'some/prefix/d/', Body: '' }));
    expect(await repo.list(ArtifactPath.parse('d'))).toEqual([{ name: 'ok.txt', isDir: false, size: 1 }]);
  });

  it('a missing bucket is a clear 404 naming the store', async () => {
    const missing = new S3ArtifactRepository(createS3Client(s3Config()), 'no-such-bucket', '', { partBytes: PART });
    await expect(missing.check()).rejects.toMatchObject({
      code: ErrorCode.RESOURCE_DOES_NOT_EXIST,
      message: 'Artifact store s3://no-such-bucket: the bucket does not exist.',
    });
    await expect(missing.list(ArtifactPath.ROOT)).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
    await expect(missing.write(ArtifactPath.parse('x'), Readable.from([Buffer.from('x')]))).rejects.toMatchObject({
      code: ErrorCode.RESOURCE_DOES_NOT_EXIST,
    });
  });

  it('an unreachable endpoint is a 503 naming the store, quickly', async () => {
    const dead = new S3ArtifactRepository(
      createS3Client({ ...s3Config(), endpointUrl: 'http://127.0.0.1:1' }),
      'b',
      'p',
      { partBytes: PART },
    );
    const started = Date.now();
    for (const op of [
      () => dead.list(ArtifactPath.ROOT),
      () => dead.open(ArtifactPath.parse('x')),
      () => dead.write(ArtifactPath.parse('x'), Readable.from([Buffer.from('x')])),
      () => dead.delete(ArtifactPath.parse('x')),
    ]) {
      await expect(op()).rejects.toMatchObject({
        code: ErrorCode.TEMPORARILY_UNAVAILABLE,
        message: expect.stringMatching(/^Artifact store s3:\/\/b\/p is unavailable \(ECONNREFUSED\)\.$/),
      });
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
