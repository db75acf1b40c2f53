import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { ErrorCode } from '../../src/common/mlflow-error';
import type { ArtifactRepository } from '../../src/storage/artifact-repository';
import { ArtifactPath } from '../../src/storage/safe-path';

const p = (s: string) => ArtifactPath.parse(s);

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A body that yields `good` bytes and then fails, like a client that disconnects mid-upload. */
export function failingBody(good: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(good);
      } else {
        setImmediate(() => this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      }
    },
  });
}

/** Chunks of `buf` of `size` bytes, as a stream (a client sending in pieces). */
export function chunked(buf: Buffer, size = 1024 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

/**
 * The `ArtifactRepository` contract as tests, for every implementation (local filesystem,
 * S3): `repo()` is a fresh, empty repository for each test. `bigBytes` should exceed the
 * implementation's multipart threshold.
 */
export function artifactRepositoryCases(repo: () => ArtifactRepository, bigBytes = 12 * 1024 * 1024): void {
  it('writes, lists, opens and deletes files in nested directories', async () => {
    await repo().write(p('1/r/artifacts/model/MLmodel'), Readable.from([Buffer.from('flavors: {}\n')]));
    await repo().write(p('1/r/artifacts/metrics.txt'), Readable.from([Buffer.from('0.5')]));
    expect(await repo().list(p('1/r/artifacts'))).toEqual([
      { name: 'metrics.txt', isDir: false, size: 3 },
      { name: 'model', isDir: true },
    ]);
    const opened = await repo().open(p('1/r/artifacts/model/MLmodel'));
    expect(opened.size).toBe(12);
    expect((await readAll(opened.stream)).toString()).toBe('flavors: {}\n');
    await repo().delete(p('1/r/artifacts/model'));
    expect(await repo().list(p('1/r/artifacts'))).toEqual([{ name: 'metrics.txt', isDir: false, size: 3 }]);
  });

  it('lists a file or a missing path as empty', async () => {
    await repo().write(p('a/file.txt'), Readable.from([Buffer.from('x')]));
    expect(await repo().list(p('a/file.txt'))).toEqual([]);
    expect(await repo().list(p('missing/dir'))).toEqual([]);
    expect(await repo().list(ArtifactPath.ROOT)).toEqual([{ name: 'a', isDir: true }]);
  });

  it('round-trips random bytes above the multipart threshold through streams', async () => {
    const data = randomBytes(bigBytes);
    await repo().write(p('big/blob.bin'), chunked(data));
    const opened = await repo().open(p('big/blob.bin'));
    expect(opened.size).toBe(data.length);
    expect((await readAll(opened.stream)).equals(data)).toBe(true);
  });

  it('an empty body stores an empty file', async () => {
    await repo().write(p('empty.txt'), undefined);
    expect((await repo().open(p('empty.txt'))).size).toBe(0);
  });

  it('a failed body leaves nothing behind', async () => {
    await expect(repo().write(p('x/partial.bin'), failingBody(randomBytes(4096)))).rejects.toMatchObject({
      code: ErrorCode.BAD_REQUEST,
    });
    expect(await repo().list(ArtifactPath.ROOT)).toEqual([]);
  });

  it('a failed overwrite keeps the previous content', async () => {
    await repo().write(p('keep.txt'), Readable.from([Buffer.from('v1')]));
    await expect(repo().write(p('keep.txt'), failingBody(Buffer.from('v2-partial')))).rejects.toBeDefined();
    expect((await readAll((await repo().open(p('keep.txt'))).stream)).toString()).toBe('v1');
  });

  it('concurrent writers to one path: the result is exactly one complete body', async () => {
    const bodies = [1, 2, 3].map((i) => Buffer.alloc(256 * 1024, i));
    await Promise.all(bodies.map((b) => repo().write(p('race.bin'), chunked(b, 64 * 1024))));
    const got = await readAll((await repo().open(p('race.bin'))).stream);
    expect(bodies.some((b) => b.equals(got))).toBe(true);
  });

  it('open: missing → RESOURCE_DOES_NOT_EXIST, directory → INVALID_PARAMETER_VALUE', async () => {
    await repo().write(p('d/f.txt'), Readable.from([Buffer.from('x')]));
    await expect(repo().open(p('d/nope.txt'))).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
    await expect(repo().open(p('d'))).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
  });

  it('refuses to write or delete the root; deleting a missing path is a no-op', async () => {
    await expect(repo().write(ArtifactPath.ROOT, undefined)).rejects.toMatchObject({
      code: ErrorCode.INVALID_PARAMETER_VALUE,
    });
    await expect(repo().delete(ArtifactPath.ROOT)).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
    await expect(repo().delete(p('never/was'))).resolves.toBeUndefined();
  });

  it('deletes a directory recursively, and only it', async () => {
    for (const f of ['t/a/1', 't/a/b/2', 't/ab/3']) await repo().write(p(f), Readable.from([Buffer.from(f)]));
    await repo().delete(p('t/a'));
    expect(await repo().list(p('t'))).toEqual([{ name: 'ab', isDir: true }]);
  });
}
