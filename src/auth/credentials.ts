/** The credentials of an Authorization header, as MLflow clients send them. */
export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'none' }
  | { kind: 'malformed' };

/**
 * `Basic base64(user:pass)` (MLFLOW_TRACKING_USERNAME/PASSWORD) or `Bearer <token>`
 * (MLFLOW_TRACKING_TOKEN). Anything else is malformed: 401, never a 5xx.
 */
export function parseAuthorization(header: unknown): Credentials {
  if (header === undefined) return { kind: 'none' };
  if (typeof header !== 'string' || header.length > 8192) return { kind: 'malformed' };
  const m = /^(\S+)\s+(\S+)\s*$/.exec(header.trim());
  if (!m) return { kind: 'malformed' };
  const scheme = m[1].toLowerCase();
  if (scheme === 'bearer') return { kind: 'bearer', token: m[2] };
  if (scheme !== 'basic' || !/^[A-Za-z0-9+/]+={0,2}$/.test(m[2])) return { kind: 'malformed' };
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return { kind: 'malformed' };
  return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
