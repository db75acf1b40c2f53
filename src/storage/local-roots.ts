import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlflowError } from '../common/mlflow-error';
import type { AppConfig } from '../config/app-config';
import { parseUri } from './artifact-uri';

type RootsConfig = Pick<AppConfig, 'localArtifactRoots'> &
  Partial<Pick<AppConfig, 'database' | 'artifactsDestination'>>;

/** Hosts a `file:` URI may name and still be local (MLflow's is_local_uri; anything else is remote, CVE-2023-2356). */
const LOCAL_HOSTS = new Set(['', 'localhost', '127.0.0.1', '.']);

/** True for `file:` URIs, plain paths and drive-letter paths: everything the server reads from its own disk. */
export function isLocalArtifactUri(uri: string): boolean {
  const { scheme } = parseUri(uri);
  return scheme === undefined || scheme === 'file';
}

function outside(uri: string): MlflowError {
  return MlflowError.invalid(
    `Artifact location '${uri}' is not inside a local artifact root this server allows ` +
      '(the local --default-artifact-root or TSFLOW_LOCAL_ARTIFACT_ROOTS).',
  );
}

/**
 * The absolute filesystem path a local artifact URI denotes, taken structurally: the `file:`
 * path component, percent-decoded once. A query or fragment has no meaning on a local path and
 * is refused rather than dropped (dropping `?x/<run>/artifacts` is how `file:///etc?x` once
 * became `/etc`); so are other hosts, relative paths and NUL.
 */
export function localPathOfUri(uri: string): string {
  const parts = parseUri(uri);
  let p = parts.path;
  if (parts.scheme === 'file') {
    if (parts.query !== undefined || parts.fragment !== undefined) {
      throw MlflowError.invalid(`Local artifact location '${uri}' must not have a query or fragment.`);
    }
    if (parts.authority !== undefined && !LOCAL_HOSTS.has(parts.authority.toLowerCase())) throw outside(uri);
    try {
      p = decodeURIComponent(p);
    } catch {
      throw outside(uri);
    }
  } else if (parts.scheme !== undefined) {
    throw outside(uri);
  }
  if (!path.isAbsolute(p) || p.includes('\u0000')) throw outside(uri);
  return path.resolve(p);
}

/** Real path of the longest existing prefix of `abs`, plus the rest (symlinks resolved where they exist). */
export function realish(abs: string): string {
  const tail: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...tail);
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      tail.unshift(path.basename(cur));
      cur = parent;
    }
  }
}

function isNewOrEmpty(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory() && fs.readdirSync(dir).length === 0;
  } catch {
    return true;
  }
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * The local directories that `file:` and plain-path artifact locations may name. Checked when
 * an experiment is created and again whenever a stored location is resolved (rows written
 * before this check, or a root removed from the configuration, must not be served either).
 */
export class LocalArtifactRoots {
  private readonly roots: string[];
  /** Paths a working-directory location may not contain: the database file, the roots, the proxy destination. */
  private readonly protectedPaths: string[];

  /**
   * `workDir`: where relative `artifact_location`s resolve (MLflow: the server's working
   * directory). A location there is allowed only as a strict subdirectory holding none of
   * `protectedPaths`, and only if it is new or empty when the experiment is created.
   */
  constructor(
    roots: readonly string[],
    private readonly workDir?: string,
    protectedPaths: readonly string[] = [],
  ) {
    this.roots = roots.map((r) => path.resolve(r));
    this.protectedPaths = [...this.roots, ...protectedPaths].map((p) => realish(path.resolve(p)));
  }

  /** The roots of a server: the configured ones, plus the working directory for relative locations. */
  static fromConfig(config: RootsConfig, workDir = process.cwd()): LocalArtifactRoots {
    const protectedPaths = [
      ...(config.database?.type === 'sqlite' ? [config.database.path] : []),
      ...(config.artifactsDestination && path.isAbsolute(config.artifactsDestination)
        ? [config.artifactsDestination]
        : []),
    ];
    return new LocalArtifactRoots(config.localArtifactRoots, workDir, protectedPaths);
  }

  get configured(): boolean {
    return this.roots.length > 0;
  }

  /** The confined absolute (real) path of a local URI, or a 400 naming the location. */
  confine(uri: string): string {
    const abs = localPathOfUri(uri);
    const real = realish(abs);
    if (!this.roots.some((root) => isInside(realish(root), real)) && !this.inWorkDir(real)) throw outside(uri);
    // The resolved form: a symlink swapped later cannot move an already-checked root.
    return real;
  }

  /**
   * experiments/create: a relative location (resolved against the working directory, as MLflow
   * does) may also lie in the working directory when it names a new or empty directory there,
   * so that no file the server already has becomes readable through it.
   */
  confineNew(uri: string, relative: boolean): string {
    const abs = localPathOfUri(uri);
    const real = realish(abs);
    if (this.roots.some((root) => isInside(realish(root), real))) return real;
    if (!relative || !this.inWorkDir(real) || !isNewOrEmpty(real)) throw outside(uri);
    return real;
  }

  private inWorkDir(real: string): boolean {
    if (this.workDir === undefined) return false;
    const dir = realish(path.resolve(this.workDir));
    return real !== dir && isInside(dir, real) && !this.protectedPaths.some((p) => isInside(real, p));
  }

  contains(uri: string): boolean {
    try {
      this.confine(uri);
      return true;
    } catch {
      return false;
    }
  }
}
