/**
 * Opaque page tokens (mlflow-api.md §8.5). The format is MLflow's own: standard base64 of the
 * JSON `{"offset": N}` with Python `json.dumps` spacing, so tokens stay debuggable and match
 * what MLflow servers emit. `snapshot` optionally pins the result set (rows that existed when
 * the first page was served) so offsets stay stable under concurrent inserts.
 */
import { MlflowError } from '../mlflow-error';

export interface PageToken {
  offset: number;
  snapshot?: number;
}

/** Far above any token we emit; bounds the work done on hostile input. */
const MAX_TOKEN_LENGTH = 1024;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export function encodePageToken(t: PageToken): string {
  checkField('offset', t.offset);
  if (t.snapshot !== undefined) checkField('snapshot', t.snapshot);
  // Built by hand to reproduce Python's `json.dumps` spacing (`{"offset": 1000}`).
  const fields = [`"offset": ${t.offset}`];
  if (t.snapshot !== undefined) fields.push(`"snapshot": ${t.snapshot}`);
  return Buffer.from(`{${fields.join(', ')}}`, 'utf8').toString('base64');
}

export function decodePageToken(token: string | undefined): PageToken | undefined {
  if (token === undefined || token === null || token === '') return undefined;
  const parsed = parseJson(decodeBase64(token));
  checkField('offset', parsed.offset);
  if (parsed.snapshot !== undefined) checkField('snapshot', parsed.snapshot);
  const result: PageToken = { offset: parsed.offset as number };
  if (parsed.snapshot !== undefined) result.snapshot = parsed.snapshot as number;
  return result;
}

function decodeBase64(token: unknown): string {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
    throw MlflowError.invalid('Invalid page token, could not base64-decode');
  }
  // Tolerate the usual transport damage: a `+` turned into a space by form decoding, the
  // URL-safe alphabet, and missing padding. Anything else is rejected (Buffer would silently
  // skip invalid characters, turning garbage into a "valid" token).
  const normalized = token.replace(/ /g, '+').replace(/-/g, '+').replace(/_/g, '/');
  const padded = normalized.padEnd(Math.ceil(normalized.length / 4) * 4, '=');
  if (!BASE64_RE.test(padded) || padded.length % 4 !== 0) {
    throw MlflowError.invalid('Invalid page token, could not base64-decode');
  }
  return Buffer.from(padded, 'base64').toString('utf8');
}

function parseJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw MlflowError.invalid('Invalid page token, could not parse the decoded value as JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw MlflowError.invalid('Invalid page token, decoded value is not a JSON object');
  }
  return value as Record<string, unknown>;
}

function checkField(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw MlflowError.invalid(`Invalid page token, ${name} must be a non-negative integer`);
  }
}
