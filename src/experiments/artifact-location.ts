import * as path from 'node:path';
import { MlflowError } from '../common/mlflow-error';
import { decodeRepeatedly, LIMITS } from '../common/validation';

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/** A plain path that is not absolute (MLflow resolves it against the server's working directory). */
export function isRelativePath(location: string | undefined): boolean {
  if (!location) return false;
  const scheme = SCHEME.exec(location)?.[1];
  return (!scheme || scheme.length === 1) && !path.isAbsolute(location) && !/^[a-zA-Z]:[\\/]/.test(location);
}

/**
 * experiments/create `artifact_location` checks (mlflow-api.md T1, §13): no fragments or
 * `;params`, no `..` in the (repeatedly decoded) query, bounded length, no `runs:` URIs.
 * Relative local paths become absolute paths (MLflow's resolve_uri_if_local keeps the form:
 * a plain path stays a plain path, a `file:` URI stays a URI).
 */
export function normaliseArtifactLocation(location: string, cwd = process.cwd()): string {
  if (location.length > LIMITS.artifactLocation) {
    throw MlflowError.invalid(
      `'artifact_location' exceeds the maximum length of ${LIMITS.artifactLocation} characters`,
    );
  }
  const decoded = decodeRepeatedly(location);
  if (decoded.includes('#') || /;/.test(decoded.split('?')[0].replace(/^[a-z]+:\/\/[^/]*/i, ''))) {
    throw MlflowError.invalid("'artifact_location' URL can't include fragments or params.");
  }
  const query = decoded.includes('?') ? decoded.slice(decoded.indexOf('?') + 1) : '';
  if (query.includes('..')) throw MlflowError.invalid('Invalid query string');
  if (/\0/.test(decoded)) throw MlflowError.invalid("'artifact_location' must not contain NUL characters.");
  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase();
  // URI roots are later joined with run paths: no `..` segment may climb out of them.
  // (Local relative paths are resolved to absolute ones below, as MLflow does.)
  if (scheme && scheme.length > 1 && decoded.split('?')[0].split(/[\\/]/).includes('..')) {
    throw MlflowError.invalid("'artifact_location' must not contain relative path references ('..').");
  }
  if (scheme === 'runs' || scheme === 'models') {
    throw MlflowError.invalid(`'artifact_location' cannot be a ${scheme}:/ URI.`);
  }
  // Windows drive letters look like a one-letter scheme; treat anything scheme-less as a path.
  if (!scheme || scheme.length === 1) {
    if (/[?#]/.test(location)) throw MlflowError.invalid("A local 'artifact_location' must not contain '?' or '#'.");
    return path.resolve(cwd, location);
  }
  return location;
}
