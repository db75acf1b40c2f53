import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlflowError } from '../common/mlflow-error';
import { pyNormpath } from '../common/validation';
import type { RunInfo } from '../experiments/tracking.types';
import { Stage, STAGES } from './registry.types';

/**
 * model-versions/create `source` checks (mlflow-api.md R13, §13). A source is where the server
 * may later read model files from, so this is the registry's main security boundary:
 *
 * 1. local sources (no scheme, `file:` with any host, `//x`, drive letters) only when the server
 *    allows local artifact roots, `run_id` names a run whose artifact root is local and inside
 *    those roots, and that root contains the path;
 * 2. everything else: after URL-decoding until stable, no `..` segment, no NUL, TAB, CR or
 *    LF, and an absolute, already-normalised path;
 * 3. the schemes MLflow has artifact repositories for (object stores, http, dbfs, hdfs, ftp, ...)
 *    are accepted as MLflow does; the server never fetches from them itself except through its
 *    own repositories (mlflow-artifacts, s3, confined local roots), so a source cannot point the
 *    server at another host (SSRF). Unknown schemes are refused (hardening).
 *
 * The messages are MLflow's, so clients and tests written against MLflow see the same text.
 */

export type SourceRef =
  | { kind: 'direct' }
  | { kind: 'runs'; runId: string; path: string }
  | { kind: 'models'; name: string; version?: number; alias?: string; stage?: Stage; latest?: boolean }
  /** MLflow 3 `models:/<model_id>` (one path segment, no `@`): a logged model's artifacts. */
  | { kind: 'logged-model'; modelId: string };

/** A `models:/` reference: by version, alias, stage, or latest (none of the three). */
export type ModelsRef = Extract<SourceRef, { kind: 'models' }>;

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
/** MLflow's artifact repository registry (2.x) plus the common object-store aliases. */
const ALLOWED_SCHEMES = new Set([
  'mlflow-artifacts',
  'artifacts',
  'runs',
  'models',
  's3',
  's3a',
  's3n',
  'r2',
  'gs',
  'wasbs',
  'wasb',
  'abfss',
  'abfs',
  'adl',
  'oss',
  'http',
  'https',
  'dbfs',
  'hdfs',
  'viewfs',
  'ftp',
  'sftp',
  'uc',
]);
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const LOCAL_HOSTS = new Set(['', 'localhost', '127.0.0.1']);

export const localSourceError = (source: string) =>
  MlflowError.invalid(
    `Invalid model version source: '${source}'. To use a local path as a model version source, the run_id request ` +
      'parameter has to be specified and the local path has to be contained within the artifact directory of the run ' +
      'specified by the run_id.',
  );

/** MLflow's `is_local_uri` refuses a `file:` URI that names another host before anything else. */
export const remoteFileSourceError = (source: string) =>
  MlflowError.invalid(
    `${source} is not a valid remote uri. For remote access on windows, please consider using a different scheme ` +
      'such as SMB (e.g. smb://<hostname>/<path>).',
  );

export const relativeSourceError = (source: string) =>
  MlflowError.invalid(
    `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, ` +
      'objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references ' +
      'present. Please provide an absolute path.',
  );

export const disallowedSourceError = (source: string, hint = '') =>
  MlflowError.invalid(`Invalid model version source: '${source}'.${hint ? ` ${hint}` : ''}`);

/** Python's `unquote_plus`: valid escapes decoded (bad UTF-8 replaced), invalid ones kept. */
export function unquotePlus(value: string): string {
  return value
    .replace(/\+/g, ' ')
    .replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

/** Decode until stable: each round shrinks the text, so this terminates. */
export function decodeFully(value: string): string {
  let current = value;
  for (let next = unquotePlus(current); next !== current; next = unquotePlus(current)) current = next;
  return current;
}

export function schemeOf(uri: string): string | undefined {
  return SCHEME.exec(uri)?.[1]?.toLowerCase();
}

/** One canonical "is local" (CVE-2024-3573): no scheme, `file:` whatever the host, or a drive letter. */
export function isLocalUri(uri: string): boolean {
  const scheme = schemeOf(uri);
  return scheme === undefined || scheme === 'file' || scheme.length === 1;
}

/** The path of a local URI, or undefined when it names another host or a Windows drive. */
function localPath(uri: string): string | undefined {
  const scheme = schemeOf(uri);
  if (scheme === undefined) return unquotePlus(uri);
  if (scheme !== 'file') return undefined;
  let rest = uri.slice(uri.indexOf(':') + 1);
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const host = (end < 0 ? rest.slice(2) : rest.slice(2, end)).toLowerCase();
    if (!LOCAL_HOSTS.has(host)) return undefined;
    rest = end < 0 ? '/' : rest.slice(end);
  }
  return decodeURIComponentSafe(rest.split(/[?#]/)[0]);
}

/** MLflow's `is_local_uri` test for `file:` URIs: a host other than `.`, `localhost*` or `127.0.0.1*`. */
function namesRemoteHost(uri: string): boolean {
  const m = /^file:\/\/([^/?#]*)/i.exec(uri);
  const host = (m?.[1] ?? '').replace(/^.*@/, '').replace(/:\d*$/, '').toLowerCase();
  return host !== '' && host !== '.' && !host.startsWith('localhost') && !host.startsWith('127.0.0.1');
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Absolute path with symlinks resolved where the path exists (a link must not lead outside). */
function realish(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync.native(abs);
  } catch {
    return abs;
  }
}

/** Whether a local URI lies inside the server's allowed local artifact roots. */
export interface LocalRootPolicy {
  contains(uri: string): boolean;
}

/** Where a local source must lie: the run's artifact root, or (with `model_id`) the logged model's. */
export type LocalRoot = Pick<RunInfo, 'artifactUri'>;

function containedLocally(source: string, run: LocalRoot | undefined, roots: LocalRootPolicy | undefined): boolean {
  if (!run || !isLocalUri(run.artifactUri) || !roots?.contains(run.artifactUri)) return false;
  const src = localPath(source);
  const root = localPath(run.artifactUri);
  if (src === undefined || root === undefined) return false;
  const s = realish(src);
  const r = realish(root);
  return s === r || s.startsWith(r.endsWith(path.sep) ? r : r + path.sep);
}

/** The path component as Python's urlparse sees it (authority and query/fragment removed). */
function urlPath(uri: string): string {
  let rest = uri.replace(SCHEME, '');
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  return rest.split(/[?#]/)[0];
}

/** MLflow's `_validate_non_local_source_contains_relative_paths`, plus TAB/CR/LF and `\` separators. */
export function checkNoRelativePaths(source: string): void {
  const decoded = decodeFully(source);
  // NUL truncates paths; urlparse silently drops TAB/CR/LF, which has smuggled `..` past checks.
  if (/[\u0000\t\r\n]/.test(decoded)) throw relativeSourceError(source);
  if (decoded.split(/[\\/]/).some((segment) => segment === '..')) throw relativeSourceError(source);
  const sourcePath = urlPath(decoded).replace(/\/+$/, '').replace(/\/+/g, '/');
  if (!sourcePath.startsWith('/') || pyNormpath(sourcePath) !== sourcePath) throw relativeSourceError(source);
}

function parseRunsUri(source: string): SourceRef {
  const m = /^runs:\/([^/]+)(?:\/(.*))?$/i.exec(source);
  if (!m || !RUN_ID.test(m[1])) throw disallowedSourceError(source, 'Expected runs:/<run_id>/<artifact path>.');
  return { kind: 'runs', runId: m[1], path: (m[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

function parseModelsUri(source: string): SourceRef {
  const rest = source.replace(/^models:\//i, '').replace(/\/+$/, '');
  const hint = 'Expected models:/<name>/<version|stage|latest> or models:/<name>@<alias>.';
  const slash = rest.lastIndexOf('/');
  if (slash > 0) {
    const name = rest.slice(0, slash);
    const selector = rest.slice(slash + 1);
    if (/^\d+$/.test(selector)) return { kind: 'models', name, version: Number(selector) };
    if (selector.toLowerCase() === 'latest') return { kind: 'models', name, latest: true };
    const stage = STAGES.find((s) => s.toLowerCase() === selector.toLowerCase());
    if (stage) return { kind: 'models', name, stage };
    throw disallowedSourceError(source, hint);
  }
  const at = rest.lastIndexOf('@');
  if (at > 0 && at < rest.length - 1) return { kind: 'models', name: rest.slice(0, at), alias: rest.slice(at + 1) };
  if (slash < 0 && at < 0 && rest !== '') return { kind: 'logged-model', modelId: rest };
  throw disallowedSourceError(source, hint);
}

/**
 * What a source names, without validating it (permission checks run before validation and must
 * not answer differently from it): a `runs:/` or `models:/` URI that does not parse is `direct`,
 * and validation refuses it afterwards.
 */
export function sourceReference(source: string): SourceRef {
  const scheme = schemeOf(source);
  try {
    if (scheme === 'runs') return parseRunsUri(source);
    if (scheme === 'models') return parseModelsUri(source);
  } catch {
    // Not a reference validation would accept.
  }
  return { kind: 'direct' };
}

/**
 * Validates a model version source and says how to resolve it. `run` is the run named by the
 * request's `run_id`, if it exists here (MLflow does not require it to); `localRoots` are the
 * local artifact roots the server allows (none: every local source is refused). Prompt versions (tag mlflow.prompt.is_prompt) carry a placeholder
 * source in MLflow 2.21+ (`dummy-source`): a relative, scheme-less name without `..` is let
 * through for them; anything else goes through the normal rules.
 */
export function validateSource(
  source: string,
  run?: LocalRoot,
  isPrompt = false,
  localRoots?: LocalRootPolicy,
): SourceRef {
  if (isPrompt && isPlaceholder(source)) return { kind: 'direct' };
  if (isLocalUri(source)) {
    if (namesRemoteHost(source)) throw remoteFileSourceError(source);
    if (containedLocally(source, run, localRoots)) return { kind: 'direct' };
    throw localSourceError(source);
  }
  checkNoRelativePaths(source);
  const scheme = schemeOf(source) as string;
  if (scheme === 'runs') return parseRunsUri(source);
  if (scheme === 'models') return parseModelsUri(source);
  if (ALLOWED_SCHEMES.has(scheme)) return { kind: 'direct' };
  throw disallowedSourceError(source);
}

function isPlaceholder(source: string): boolean {
  const decoded = decodeFully(source);
  if (schemeOf(decoded) !== undefined || /^[\\/]/.test(decoded) || /[\u0000\t\r\n]/.test(decoded)) return false;
  return !decoded.split(/[\\/]/).includes('..');
}
