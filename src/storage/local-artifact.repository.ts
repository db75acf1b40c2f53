import { randomUUID } from 'node:crypto';
import { constants as fsc, createWriteStream, Dirent, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Logger } from '@nestjs/common';
import { bodyChunks } from '../common/http/body';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { ArtifactContent, ArtifactEntry, ArtifactRepository } from './artifact-repository';
import { ArtifactPath, containedPath, invalidPath } from './safe-path';

/**
 * Staging directory inside the root: uploads are written here and renamed into place
 * (same filesystem, so the rename is atomic); deleted trees are moved here before removal.
 * Hidden from listings and not addressable through the API.
 */
export const STAGING_DIR = '.tsflow-tmp';

/**
 * Leftovers untouched this long are removed, at start-up and then every SWEEP_MS: an upload in
 * flight (here or on another replica) writes all the time, and a stalled one is cut by the
 * connection idle timeout (minutes), so an hour without a write means a crash or a kill.
 */
export const STALE_MS = 60 * 60 * 1000;
const SWEEP_MS = 10 * 60 * 1000;
const READ_CHUNK = 1024 * 1024;
const STAT_BATCH = 64;

const errnoOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/** The request body ended early (client disconnect): a client problem, not a server failure. */
function isInterrupted(err: unknown): boolean {
  const code = errnoOf(err);
  return (
    code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error | undefined)?.message === 'aborted'
  );
}

/** Filesystem errors a client can cause with a well-formed path → 400, never a 5xx. */
function clientFsError(err: unknown, what: string): MlflowError | undefined {
  switch (errnoOf(err)) {
    case 'ENOTDIR':
    case 'EEXIST':
      return MlflowError.invalid(`${what}: a parent of this path is a file.`);
    case 'EISDIR':
    case 'ENOTEMPTY':
      return MlflowError.invalid(`${what}: the path is a directory.`);
    case 'ENAMETOOLONG':
    case 'ELOOP':
      return MlflowError.invalid('Invalid path');
    default:
      return undefined;
  }
}

/** Artifacts as plain files under a local directory (the `mlflow-artifacts` destination, `file:` roots). */
export class LocalArtifactRepository extends ArtifactRepository {
  private readonly logger = new Logger(LocalArtifactRepository.name);

  constructor(readonly root: string) {
    super();
  }

  get location(): string {
    return this.root;
  }

  private sweeper?: NodeJS.Timeout;

  /** Create the root, remove stale staging leftovers, and keep removing them while running. */
  async init(): Promise<void> {
    await fsp.mkdir(path.join(this.root, STAGING_DIR), { recursive: true });
    await this.sweepStaging();
    this.sweeper ??= setInterval(() => {
      this.sweepStaging().catch((err: Error) => this.logger.warn(`staging sweep failed: ${err.message}`));
    }, SWEEP_MS).unref();
  }

  /** Removes staging entries not modified for `staleMs`; returns how many. */
  async sweepStaging(staleMs = STALE_MS): Promise<number> {
    const staging = path.join(this.root, STAGING_DIR);
    const now = Date.now();
    let removed = 0;
    for (const name of await fsp.readdir(staging).catch(() => [] as string[])) {
      const full = path.join(staging, name);
      const stat = await fsp.lstat(full).catch(() => undefined);
      if (stat && now - stat.mtimeMs > staleMs) {
        await fsp.rm(full, { recursive: true, force: true });
        removed++;
      }
    }
    if (removed > 0) this.logger.log(`removed ${removed} stale staging entr${removed === 1 ? 'y' : 'ies'}`);
    return removed;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Contained absolute path; the staging directory is reserved. */
  private async resolve(p: ArtifactPath): Promise<string> {
    if (p.segments[0] === STAGING_DIR) throw invalidPath();
    return containedPath(this.root, p);
  }

  private async stagingFile(suffix: string): Promise<string> {
    const dir = await containedPath(this.root, ArtifactPath.parse(STAGING_DIR));
    await fsp.mkdir(dir, { recursive: true });
    return path.join(dir, `${randomUUID()}${suffix}`);
  }

  async list(dir: ArtifactPath): Promise<ArtifactEntry[]> {
    const abs = await this.resolve(dir);
    let dirents: Dirent[];
    try {
      dirents = await fsp.readdir(abs, { withFileTypes: true });
    } catch (err) {
      if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return [];
      throw err;
    }
    const visible = dirents.filter((d) => !(dir.isRoot && d.name === STAGING_DIR));
    const entries: ArtifactEntry[] = [];
    for (let i = 0; i < visible.length; i += STAT_BATCH) {
      const batch = await Promise.all(visible.slice(i, i + STAT_BATCH).map((d) => this.entry(abs, d)));
      for (const e of batch) if (e) entries.push(e);
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** One listing entry; symlinks are followed only when they stay inside the root, else hidden. */
  private async entry(dirAbs: string, d: Dirent): Promise<ArtifactEntry | undefined> {
    const full = path.join(dirAbs, d.name);
    try {
      if (d.isSymbolicLink()) {
        const rootReal = await fsp.realpath(this.root);
        const target = await fsp.realpath(full);
        if (target !== rootReal && !target.startsWith(rootReal + path.sep)) return undefined;
      }
      const stat = await fsp.stat(full);
      if (stat.isDirectory()) return { name: d.name, isDir: true };
      if (stat.isFile()) return { name: d.name, isDir: false, size: stat.size };
      return undefined;
    } catch {
      return undefined; // vanished meanwhile, or a dangling link
    }
  }

  async open(file: ArtifactPath): Promise<ArtifactContent> {
    const abs = await this.resolve(file);
    let handle: fsp.FileHandle;
    try {
      // NOFOLLOW: the path was resolved already, a symlink here means it changed since.
      // NONBLOCK: a FIFO planted in the tree must not hang the request.
      handle = await fsp.open(abs, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw MlflowError.notFound(`Artifact '${file}' does not exist.`);
      if (code === 'ELOOP') throw invalidPath();
      throw err;
    }
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      if (stat.isDirectory()) throw MlflowError.invalid(`Artifact '${file}' is a directory; list it instead.`);
      throw MlflowError.notFound(`Artifact '${file}' does not exist.`);
    }
    return { stream: handle.createReadStream({ highWaterMark: READ_CHUNK }), size: stat.size };
  }

  async write(file: ArtifactPath, body: Readable | undefined): Promise<void> {
    if (file.isRoot) throw invalidPath();
    const target = await this.resolve(file);
    const tmp = await this.stagingFile('.upload');
    try {
      // 'wx': never open something that already exists at the temp name.
      // Through bodyChunks: an upload that stops sending gets 408 after the body idle timeout.
      await pipeline(
        body ? Readable.from(bodyChunks(body)) : Readable.from([]),
        createWriteStream(tmp, { flags: 'wx' }),
      );
      await this.moveIntoPlace(tmp, target);
    } catch (err) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      if (err instanceof MlflowError) throw err;
      if (isInterrupted(err))
        throw new MlflowError(ErrorCode.BAD_REQUEST, 'The upload was interrupted before the body was complete.');
      throw clientFsError(err, `Cannot write artifact '${file}'`) ?? err;
    }
  }

  /** mkdir -p + atomic rename; retried once if a concurrent delete removed the parent meanwhile. */
  private async moveIntoPlace(tmp: string, target: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await fsp.mkdir(path.dirname(target), { recursive: true });
      try {
        await fsp.rename(tmp, target);
        return;
      } catch (err) {
        if (errnoOf(err) !== 'ENOENT' || attempt > 0) throw err;
      }
    }
  }

  async delete(target: ArtifactPath): Promise<void> {
    if (target.isRoot) throw invalidPath();
    const abs = await this.resolve(target);
    const trash = await this.stagingFile('.deleted');
    try {
      // Move first so the whole tree disappears at once, then remove it at leisure.
      await fsp.rename(abs, trash);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return;
      throw clientFsError(err, `Cannot delete artifact '${target}'`) ?? err;
    }
    await fsp.rm(trash, { recursive: true, force: true }).catch((err) => {
      this.logger.warn(`Could not remove deleted artifacts at ${trash}: ${(err as Error).message}`);
    });
  }
}
