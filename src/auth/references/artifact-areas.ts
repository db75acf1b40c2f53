import * as path from 'node:path';
import { parseUri } from '../../storage/artifact-uri';
import { PROXY_URL_PATH } from '../../storage/artifact-repository.resolver';
import { realish } from '../../storage/local-roots';
import { ArtifactPath } from '../../storage/safe-path';

/**
 * Artifact areas: where an artifact URI physically points, as one comparable key, so that
 * "does this URI lie in (or contain) experiment X's artifact location?" has one answer whatever
 * spelling the URI uses (`mlflow-artifacts:/1/...`, `mlflow-artifacts://host/1/...`, the proxy
 * URL `http://host/api/2.0/mlflow-artifacts/artifacts/1/...`, the artifacts destination's own
 * local path or bucket, `s3a:`/`s3n:` for `s3:`, percent-encoding, doubled slashes, symlinks).
 */

/** Where the proxied (`mlflow-artifacts:`) objects live: the server's artifacts destination. */
export interface AreaContext {
  artifactsDestination: string;
  /** Relative local paths resolve against it (the server's working directory), as MLflow does. */
  cwd: string;
}

/** A key like `local:/srv/artifacts/1/abc` or `s3://bucket/prefix/1`; undefined when it cannot be read safely. */
export type AreaKey = string;

const S3_SCHEMES = new Set(['s3', 's3a', 's3n']);

function segmentsOf(uriPath: string): readonly string[] | undefined {
  try {
    return ArtifactPath.parse(uriPath.replace(/^\/+/, '')).segments;
  } catch {
    return undefined;
  }
}

function localKey(p: string, ctx: AreaContext): AreaKey | undefined {
  if (p.includes('\u0000')) return undefined;
  return `local:${realish(path.resolve(ctx.cwd, p))}`;
}

function proxiedKey(uriPath: string, ctx: AreaContext): AreaKey | undefined {
  const segments = segmentsOf(uriPath);
  if (!segments) return undefined;
  const dest = parseUri(ctx.artifactsDestination);
  if (dest.scheme === undefined || dest.scheme === 'file') return localKey(path.join(dest.path, ...segments), ctx);
  const base = areaKey(ctx.artifactsDestination, ctx);
  return base === undefined ? undefined : [base, ...segments].join('/');
}

/** The area key of an artifact URI (or local path). */
export function areaKey(uri: string, ctx: AreaContext): AreaKey | undefined {
  const parts = parseUri(uri);
  const scheme = parts.scheme;
  if (scheme === undefined || scheme === 'file') {
    if (parts.query !== undefined || parts.fragment !== undefined) return undefined;
    const host = (parts.authority ?? '').toLowerCase();
    if (!['', 'localhost', '127.0.0.1', '.'].includes(host)) return undefined;
    let p = parts.path;
    try {
      p = scheme === 'file' ? decodeURIComponent(p) : p;
    } catch {
      return undefined;
    }
    return segmentsOf(p) === undefined ? undefined : localKey(p, ctx);
  }
  if (scheme === 'mlflow-artifacts') return proxiedKey(parts.path, ctx);
  if (scheme === 'http' || scheme === 'https') {
    const m = PROXY_URL_PATH.exec(parts.path);
    if (m) return proxiedKey(m[1] ?? '', ctx);
  }
  const segments = segmentsOf(parts.path);
  if (!segments) return undefined;
  const kind = S3_SCHEMES.has(scheme) ? 's3' : scheme;
  return [`${kind}://${(parts.authority ?? '').toLowerCase()}`, ...segments].join('/');
}

/** `inner` equals `outer` or lies below it. */
export function within(outer: AreaKey, inner: AreaKey): boolean {
  if (inner === outer) return true;
  const prefix = outer.endsWith('/') ? outer : `${outer}/`;
  return inner.startsWith(prefix);
}

export function overlap(a: AreaKey, b: AreaKey): boolean {
  return within(a, b) || within(b, a);
}

/** URIs the server itself reads through its own credentials (so a reference to them must be checked). */
export function servedByServer(uri: string): boolean {
  const { scheme, path: p } = parseUri(uri);
  if (scheme === undefined || scheme === 'file' || scheme === 'mlflow-artifacts' || S3_SCHEMES.has(scheme)) return true;
  return (scheme === 'http' || scheme === 'https') && PROXY_URL_PATH.test(p);
}
