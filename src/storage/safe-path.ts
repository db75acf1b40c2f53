import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { MlflowError } from '../common/mlflow-error';
import { decodeRepeatedly } from '../common/validation';

/**
 * The one safe-path check for every user-supplied artifact path (mlflow-api.md §7.6, §13.2).
 *
 * A path is decoded exactly once here (repeatedly, until stable) and the decoded value is
 * the only one used afterwards (CVE-2023-6976). Because MLflow's own decoder is lenient
 * (Python's `unquote` decodes the valid `%XX` runs of a malformed string and `urlparse`
 * drops TAB/CR/LF), attackers hide `..` behind malformed escapes (`%2%0952e` → `.`): the
 * lenient reading must be safe too, even though the strict reading is what gets stored.
 */

export const INVALID_PATH = 'Invalid path';

/** Linux NAME_MAX / PATH_MAX: longer names would fail in the filesystem with a 5xx-ish error. */
const MAX_SEGMENT_BYTES = 255;
const MAX_PATH_BYTES = 4096;
const DRIVE = /^[a-zA-Z]:/;
const CONTROL = /[\u0000-\u001f\u007f]/;

export function invalidPath(): MlflowError {
  return MlflowError.invalid(INVALID_PATH);
}

/** Python's `urllib.parse.unquote`: decode each run of valid `%XX` escapes, keep the rest. */
export function lenientUnquote(value: string): string {
  return value.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

/** MLflow's `_decode`: unquote + drop TAB/CR/LF until stable; undefined if it never settles. */
export function lenientDecode(value: string): string | undefined {
  let current = value;
  for (let i = 0; i < 10; i++) {
    const next = lenientUnquote(current).replace(/[\t\r\n]/g, '');
    if (next === current) return current;
    current = next;
  }
  return undefined;
}

/** Structural checks shared by both readings: traversal, absolute and Windows forms, URI tricks. */
function isStructurallySafe(p: string): boolean {
  if (p.includes('#') || p.includes('?') || p.includes('\\')) return false;
  if (p.startsWith('/') || DRIVE.test(p) || /^file:/i.test(p)) return false;
  return !p.split('/').includes('..');
}

/**
 * A validated artifact path relative to some storage root: normalised segments with no
 * `..`, no empty or `.` parts. Only `parse` and `join` create one, so repositories can
 * require it in their signatures and never see an unchecked string.
 */
export class ArtifactPath {
  static readonly ROOT = new ArtifactPath([]);

  private constructor(readonly segments: readonly string[]) {}

  /** Decode and validate user input (URL path tail, query value, stored URI path). */
  static parse(raw: string | undefined | null): ArtifactPath {
    if (raw === undefined || raw === null || raw === '') return ArtifactPath.ROOT;
    const strict = decodeRepeatedly(raw);
    const lenient = lenientDecode(raw);
    if (lenient === undefined || !isStructurallySafe(lenient) || !isStructurallySafe(strict)) throw invalidPath();
    if (CONTROL.test(strict) || Buffer.byteLength(strict) > MAX_PATH_BYTES) throw invalidPath();
    const segments = strict.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.some((s) => Buffer.byteLength(s) > MAX_SEGMENT_BYTES)) throw invalidPath();
    return new ArtifactPath(segments);
  }

  get isRoot(): boolean {
    return this.segments.length === 0;
  }

  /** Last segment ('' for the root). */
  get name(): string {
    return this.segments[this.segments.length - 1] ?? '';
  }

  join(child: ArtifactPath): ArtifactPath {
    return child.isRoot ? this : new ArtifactPath([...this.segments, ...child.segments]);
  }

  /** Posix form without leading or trailing slash ('' for the root). */
  toString(): string {
    return this.segments.join('/');
  }
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

async function realpathOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await fsp.realpath(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    // Symlink loops and over-long resolved paths are the client's doing, not a server fault.
    if (code === 'ELOOP' || code === 'ENAMETOOLONG') throw invalidPath();
    throw err;
  }
}

/**
 * Join a validated path with a root and prove, after resolving the symlinks of the longest
 * existing prefix, that the result stays inside the root's real path. Returns the absolute
 * path to operate on: the real prefix plus the not-yet-existing tail.
 */
export async function containedPath(root: string, rel: ArtifactPath): Promise<string> {
  const realRoot = (await realpathOrUndefined(root)) ?? path.resolve(root);
  const tail: string[] = [];
  const segments = [...rel.segments];
  for (;;) {
    const real = await realpathOrUndefined(path.join(realRoot, ...segments));
    if (real !== undefined) {
      if (!isInside(realRoot, real)) throw invalidPath();
      return path.join(real, ...tail);
    }
    if (segments.length === 0) return path.join(realRoot, ...tail);
    tail.unshift(segments.pop() as string);
  }
}

/** The canonical check in one call: decode + validate `raw`, then contain it in `root`. */
export async function resolveSafePath(root: string, raw: string): Promise<string> {
  return containedPath(root, ArtifactPath.parse(raw));
}
