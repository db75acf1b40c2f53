import { MlflowError } from '../common/mlflow-error';

/**
 * Artifact URIs taken apart and put together structurally (MLflow's `append_to_uri_path`):
 * a path is appended to the path component, never to the end of the string, so a query or
 * fragment can never swallow it (`file:///etc?x` + run → `file:///etc/<run>/artifacts?x`,
 * not `file:///etc?x/<run>/artifacts`, which a `file:` conversion reads as `/etc`).
 */
export interface UriParts {
  /** Lower-case scheme; undefined for a plain local path (one-letter "schemes" are drive letters). */
  scheme?: string;
  /** The `//authority` part, when present (may be empty: `file:///x`). */
  authority?: string;
  path: string;
  query?: string;
  fragment?: string;
}

const WITH_SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

export function parseUri(uri: string): UriParts {
  const m = WITH_SCHEME.exec(uri);
  if (!m) return { path: uri };
  return { scheme: m[1].toLowerCase(), authority: m[2], path: m[3], query: m[4], fragment: m[5] };
}

export function formatUri(parts: UriParts, original?: string): string {
  if (parts.scheme === undefined) return parts.path;
  // Keep the scheme's spelling of the original (MLflow stores what the user sent).
  const scheme = original?.slice(0, parts.scheme.length) ?? parts.scheme;
  return (
    `${scheme}:` +
    (parts.authority !== undefined ? `//${parts.authority}` : '') +
    parts.path +
    (parts.query !== undefined ? `?${parts.query}` : '') +
    (parts.fragment !== undefined ? `#${parts.fragment}` : '')
  );
}

/** One appended path segment: a name, never a separator, `.`/`..`, or a control character. */
function checkSegment(segment: string): void {
  if (segment === '' || segment === '.' || segment === '..' || /[/\\\u0000-\u001f]/.test(segment)) {
    throw MlflowError.invalid(`Invalid artifact URI path segment '${segment.replace(/[\u0000-\u001f]/g, '?')}'.`);
  }
}

/** `uri` with `segments` appended to its path component (query and fragment stay where they are). */
export function appendToUri(uri: string, ...segments: string[]): string {
  for (const s of segments) checkSegment(s);
  if (segments.length === 0) return uri;
  const parts = parseUri(uri);
  const base = parts.path.replace(/\/+$/, '');
  return formatUri({ ...parts, path: `${base}/${segments.join('/')}` }, uri);
}
