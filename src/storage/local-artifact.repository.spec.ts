import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../common/mlflow-error';
import { LocalArtifactRepository, STAGING_DIR } from './local-artifact.repository';
import { ArtifactPath } from './safe-path';

const p = (s: string) => ArtifactPath.parse(s);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A body that yields `good` bytes and then fails, like a client that disconnects mid-upload. */
function failingBody(good: Buffer): Readable {
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

describe('LocalArtifactRepository', () => {
  let base: string;
  let root: string;
  let repo: LocalArtifactRepository;
  const staged = () => fs.readdirSync(path.join(root, STAGING_DIR));

  beforeEach(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-repo-'));
    root = path.join(base, 'artifacts');
    repo = new LocalArtifactRepository(root);
    await repo.init();
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('writes, lists, opens and deletes files in nested directories', async () => {
    await repo.write(p('1/r/artifacts/model/MLmodel'), Readable.from([Buffer.from('flavors: {}\n')]));
    await repo.write(p('1/r/artifacts/metrics.txt'), Readable.from([Buffer.from('0.5')]));
    expect(await repo.list(p('1/r/artifacts'))).toEqual([
      { name: 'metrics.txt', isDir: false, size: 3 },
      { name: 'model', isDir: true },
    ]);
    const opened = await repo.open(p('1/r/artifacts/model/MLmodel'));
    expect(opened.size).toBe(12);
    expect((await readAll(opened.stream)).toString()).toBe('flavors: {}\n');
    await repo.delete(p('1/r/artifacts/model'));
    expect(await repo.list(p('1/r/artifacts'))).toEqual([{ name: 'metrics.txt', isDir: false, size: 3 }]);
    expect(staged()).toEqual([]);
  });

  it('lists a file or a missing path as empty and hides the staging directory', async () => {
    await repo.write(p('a.txt'), undefined);
    expect(await repo.list(p('a.txt'))).toEqual([]);
    expect(await repo.list(p('missing/dir'))).toEqual([]);
    expect(await repo.list(ArtifactPath.ROOT)).toEqual([{ name: 'a.txt', isDir: false, size: 0 }]);
    expect(fs.existsSync(path.join(root, STAGING_DIR))).toBe(true);
  });

  it('round-trips 8 MiB of random bytes through streams', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const chunks = Array.from({ length: 128 }, (_, i) => data.subarray(i * 65536, (i + 1) * 65536));
    await repo.write(p('big/blob.bin'), Readable.from(chunks));
    const back = await readAll((await repo.open(p('big/blob.bin'))).stream);
    expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('a failed body leaves no file, no parent directories and no temp file', async () => {
    await expect(repo.write(p('x/y/partial.bin'), failingBody(randomBytes(100_000)))).rejects.toMatchObject({
      code: ErrorCode.BAD_REQUEST,
    });
    expect(await repo.list(ArtifactPath.ROOT)).toEqual([]);
    expect(staged()).toEqual([]);
  });

  it('a failed overwrite keeps the previous content', async () => {
    await repo.write(p('f.bin'), Readable.from([Buffer.from('old')]));
    await expect(repo.write(p('f.bin'), failingBody(Buffer.from('new-partial')))).rejects.toBeDefined();
    expect((await readAll((await repo.open(p('f.bin'))).stream)).toString()).toBe('old');
  });

  it('concurrent writers to one path: the result is exactly one complete body', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => Buffer.alloc(512 * 1024 + i, i + 1));
    await Promise.all(
      bodies.map((b) => repo.write(p('same/target.bin'), Readable.from([b.subarray(0, 1000), b.subarray(1000)]))),
    );
    const final = await readAll((await repo.open(p('same/target.bin'))).stream);
    expect(bodies.filter((b) => b.equals(final))).toHaveLength(1);
    expect(staged()).toEqual([]);
  });

  it('open: missing → RESOURCE_DOES_NOT_EXIST, directory → INVALID_PARAMETER_VALUE', async () => {
    await repo.write(p('d/f'), undefined);
    await expect(repo.open(p('d/none'))).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
    await expect(repo.open(p('d/f/below'))).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
    await expect(repo.open(p('d'))).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
  });

  it('write over a directory or below a file → 400, and nothing is left behind', async () => {
    await repo.write(p('d/f'), undefined);
    await expect(repo.write(p('d'), Readable.from([Buffer.from('x')]))).rejects.toMatchObject({
      code: ErrorCode.INVALID_PARAMETER_VALUE,
    });
    await expect(repo.write(p('d/f/g'), Readable.from([Buffer.from('x')]))).rejects.toMatchObject({
      code: ErrorCode.INVALID_PARAMETER_VALUE,
    });
    expect(staged()).toEqual([]);
  });

  it('refuses the root and the reserved staging directory', async () => {
    await expect(repo.write(ArtifactPath.ROOT, undefined)).rejects.toMatchObject({ message: 'Invalid path' });
    await expect(repo.delete(ArtifactPath.ROOT)).rejects.toMatchObject({ message: 'Invalid path' });
    await expect(repo.list(p(STAGING_DIR))).rejects.toMatchObject({ message: 'Invalid path' });
    await expect(repo.write(p(`${STAGING_DIR}/x`), undefined)).rejects.toMatchObject({ message: 'Invalid path' });
    await expect(repo.delete(p(STAGING_DIR))).rejects.toMatchObject({ message: 'Invalid path' });
    expect(fs.existsSync(path.join(root, STAGING_DIR))).toBe(true);
  });

  it('deleting a missing path is a no-op', async () => {
    await expect(repo.delete(p('nothing/here'))).resolves.toBeUndefined();
  });

  it('symlinks: inside ones are listed, outside ones are hidden and refused', async () => {
    const outside = path.join(base, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    await repo.write(p('real/file.txt'), Readable.from([Buffer.from('ok')]));
    fs.symlinkSync(outside, path.join(root, 'escape'));
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
    fs.symlinkSync(path.join(base, 'nowhere'), path.join(root, 'dangling'));
    expect((await repo.list(ArtifactPath.ROOT)).map((e) => e.name)).toEqual(['alias', 'real']);
    expect(await repo.list(p('alias'))).toEqual([{ name: 'file.txt', isDir: false, size: 2 }]);
    await expect(repo.list(p('escape'))).rejects.toMatchObject({ message: 'Invalid path' });
    await expect(repo.open(p('escape/secret.txt'))).rejects.toMatchObject({ message: 'Invalid path' });
    await expect(repo.write(p('escape/secret.txt'), Readable.from([Buffer.from('pwned')]))).rejects.toMatchObject({
      message: 'Invalid path',
    });
    await expect(repo.delete(p('escape'))).rejects.toMatchObject({ message: 'Invalid path' });
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('init removes stale staging leftovers but keeps recent ones (other replicas may be writing)', async () => {
    const staging = path.join(root, STAGING_DIR);
    fs.writeFileSync(path.join(staging, 'old.upload'), 'x');
    fs.mkdirSync(path.join(staging, 'old.deleted'));
    fs.writeFileSync(path.join(staging, 'fresh.upload'), 'y');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    fs.utimesSync(path.join(staging, 'old.upload'), twoDaysAgo, twoDaysAgo);
    fs.utimesSync(path.join(staging, 'old.deleted'), twoDaysAgo, twoDaysAgo);
    await new LocalArtifactRepository(root).init();
    expect(staged()).toEqual(['fresh.upload']);
  });

  it('sweeps uploads left by a killed process within the hour, without a restart', async () => {
    const repo = new LocalArtifactRepository(root);
    await repo.init();
    const staging = path.join(root, STAGING_DIR);
    fs.writeFileSync(path.join(staging, 'killed.upload'), 'partial');
    fs.writeFileSync(path.join(staging, 'writing.upload'), 'in flight');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    fs.utimesSync(path.join(staging, 'killed.upload'), twoHoursAgo, twoHoursAgo);
    expect(await repo.sweepStaging()).toBe(1);
    repo.close();
    expect(staged()).toEqual(['writing.upload']);
  });

  it('a repository on a missing root lists nothing and does not create it', async () => {
    const ghost = new LocalArtifactRepository(path.join(base, 'ghost'));
    expect(await ghost.list(ArtifactPath.ROOT)).toEqual([]);
    expect(fs.existsSync(path.join(base, 'ghost'))).toBe(false);
  });
});
