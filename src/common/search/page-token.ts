/**
 * Opaque page tokens (mlflow-api.md §8.5). The format is MLflow's own: standard base64 of the
 * JSON `{"offset": N}` with Python `json.dumps` spacing, so tokens stay debuggable and match
 * what MLflow servers emit. `snapshot` optionally pins the result set (rows that existed when
 * the first page was served) so offsets stay stable under concurrent inserts. Run search adds
 * a keyset position (`seek`: the last walked sort key and how many runs with that key were
 * already returned, or, for a walk whose ties are in (start_time DESC, run_uuid) order, the
 * last run's start_time and id; `rest`: the position among the runs without the sort key), so a
 * deep page starts where the last one ended; `offset` is always kept, and a token without them
 * still works.
 */
import { MlflowError } from '../mlflow-error';

export interface PageToken {
  offset: number;
  snapshot?: number;
  seek?: Seek;
  rest?: number;
}

/**
 * A position in a walk: runs past `key`, after the first `skip` runs equal to it; with `start`
 * and `run` (skip 0), exactly the runs after that run among those equal to `key`.
 */
export interface Seek {
  key: number | string;
  skip: number;
  start?: number;
  run?: string;
}

/** Far above any token we emit; bounds the work done on hostile input. */
const MAX_TOKEN_LENGTH = 4096;
/** Longer sort keys are not carried (the page falls back to its offset). */
export const MAX_SEEK_KEY_LENGTH = 256;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export function encodePageToken(t: PageToken): string {
  checkField('offset', t.offset);
  if (t.snapshot !== undefined) checkField('snapshot', t.snapshot);
  // Built by hand to reproduce Python's `json.dumps` spacing (`{"offset": 1000}`).
  const fields = [`"offset": ${t.offset}`];
  if (t.snapshot !== undefined) fields.push(`"snapshot": ${t.snapshot}`);
  if (t.seek !== undefined) {
    checkSeek(t.seek);
    const { key, skip, start, run } = t.seek;
    fields.push(`"seek": ${JSON.stringify(run === undefined ? [key, skip] : [key, skip, start, run])}`);
  }
  if (t.rest !== undefined) {
    checkField('rest', t.rest);
    fields.push(`"rest": ${t.rest}`);
  }
  return Buffer.from(`{${fields.join(', ')}}`, 'utf8').toString('base64');
}

export function decodePageToken(token: string | undefined): PageToken | undefined {
  if (token === undefined || token === null || token === '') return undefined;
  const parsed = parseJson(decodeBase64(token));
  checkField('offset', parsed.offset);
  if (parsed.snapshot !== undefined) checkField('snapshot', parsed.snapshot);
  const result: PageToken = { offset: parsed.offset as number };
  if (parsed.snapshot !== undefined) result.snapshot = parsed.snapshot as number;
  if (parsed.seek !== undefined) {
    const seek = Array.isArray(parsed.seek) && [2, 4].includes(parsed.seek.length) ? parsed.seek : [];
    result.seek = { key: seek[0] as number | string, skip: seek[1] as number };
    if (seek.length === 4) Object.assign(result.seek, { start: seek[2] as number, run: seek[3] as string });
    checkSeek(result.seek);
  }
  if (parsed.rest !== undefined) {
    checkField('rest', parsed.rest);
    result.rest = parsed.rest as number;
  }
  return result;
}

/** A seek key fits in a token: a finite number or a short string. */
export function seekableKey(key: unknown): key is number | string {
  return (
    (typeof key === 'number' && Number.isFinite(key)) || (typeof key === 'string' && key.length <= MAX_SEEK_KEY_LENGTH)
  );
}

function checkSeek(seek: Seek): void {
  if (!seekableKey(seek.key))
    throw MlflowError.invalid('Invalid page token, seek must hold a number or a short string');
  checkField('skip', seek.skip);
  if (seek.start === undefined && seek.run === undefined) return;
  const run = seek.run as unknown;
  if (!Number.isSafeInteger(seek.start) || typeof run !== 'string' || run.length > MAX_SEEK_KEY_LENGTH)
    throw MlflowError.invalid('Invalid page token, seek position must hold an integer start time and a run id');
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
