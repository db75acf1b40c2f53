import { MlflowError } from './mlflow-error';

/** MLflow's validation rules for keys, values and names (mlflow-api.md §7). */
export const LIMITS = {
  keyLength: 250,
  paramValue: 6000,
  runTagValue: 8000,
  experimentTagValue: 5000,
  registryTagValue: 5000,
  experimentName: 500,
  /** MLflow's registered_models.name column (String(256)); also keeps it far below Postgres' btree row limit. */
  registeredModelName: 256,
  artifactLocation: 2048,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
  searchMaxResults: 50_000,
  searchClauses: 50,
  searchOrderBy: 20,
} as const;

const KEY_CHARS = /^[\p{L}\p{N}\p{M}_\-. /:]*$/u;
/** The usual keys (ASCII, no slash): a cheaper test than KEY_CHARS, and their normpath is themselves. */
const PLAIN_KEY = /^[A-Za-z0-9_\-. :]+$/;
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
/** MLflow 3's `m-<uuid hex>` in a String(36) column. */
const LOGGED_MODEL_ID = /^m-[a-zA-Z0-9]{1,34}$/;

/** Python's posixpath.normpath, which MLflow uses to keep keys file-name safe. */
export function pyNormpath(p: string): string {
  if (p === '') return '.';
  const slashes = p.startsWith('/') ? (p.startsWith('//') && !p.startsWith('///') ? 2 : 1) : 0;
  const out: string[] = [];
  for (const comp of p.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!slashes && out.length === 0) || out[out.length - 1] === '..') out.push(comp);
    else if (out.length) out.pop();
  }
  return '/'.repeat(slashes) + out.join('/') || '.';
}

function quote(v: string): string {
  return JSON.stringify(v.length > 250 ? `${v.slice(0, 250)}...` : v);
}

/** Keys of metrics, params, tags (run, experiment, registry). `param` names the field in messages. */
export function validateKey(key: string, param = 'key'): void {
  if (key.length > LIMITS.keyLength) {
    throw MlflowError.invalid(`'${param}' exceeds the maximum length of ${LIMITS.keyLength} characters`);
  }
  // log-batch checks up to 1,000 keys per request: skip the Unicode test and normpath for plain ones.
  if (PLAIN_KEY.test(key) && key !== '.' && !key.startsWith('..')) return;
  if (!KEY_CHARS.test(key)) {
    throw MlflowError.invalid(
      `Invalid value ${quote(key)} for parameter '${param}' supplied: Names may only contain alphanumerics, ` +
        'underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).',
    );
  }
  const norm = pyNormpath(key);
  if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    throw MlflowError.invalid(
      `Invalid value ${quote(key)} for parameter '${param}' supplied: Names may be treated as files in certain ` +
        `cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`,
    );
  }
}

/** Over-long values: rejected, or truncated where MLflow 2.22 truncates by default. */
export function checkLength(value: string, max: number, param: string, truncate = false): string {
  if (value.length <= max) return value;
  if (truncate) return value.slice(0, max);
  throw MlflowError.invalid(`'${param}' exceeds the maximum length of ${max} characters`);
}

export function validateRunId(runId: string, param = 'run_id'): void {
  if (!RUN_ID.test(runId)) {
    throw MlflowError.invalid(`Invalid value ${quote(runId)} for parameter '${param}' supplied.`);
  }
}

/** Logged model ids given as references (run inputs and outputs): their format, before any I/O. */
export function validateLoggedModelId(modelId: string, param = 'model_id'): void {
  if (!LOGGED_MODEL_ID.test(modelId)) {
    throw MlflowError.invalid(
      `Invalid value ${quote(modelId)} for parameter '${param}' supplied: a logged model id is 'm-' followed by at ` +
        'most 34 letters and digits.',
    );
  }
}

/**
 * Bounds the SQL one search may generate (not an MLflow rule): sqlite caps expression depth and
 * joins (500s beyond ~900 clauses or ~60 order keys) and Postgres plans many semi-joins
 * superlinearly (100 clauses took ~5 s to plan here).
 */
export function checkSearchSize(clauses: readonly unknown[], orderBy: readonly unknown[]): void {
  if (clauses.length > LIMITS.searchClauses) {
    throw MlflowError.invalid(
      `Invalid filter string: at most ${LIMITS.searchClauses} comparisons are supported, got ${clauses.length}.`,
    );
  }
  if (orderBy.length > LIMITS.searchOrderBy) {
    throw MlflowError.invalid(
      `Invalid order_by: at most ${LIMITS.searchOrderBy} clauses are supported, got ${orderBy.length}.`,
    );
  }
}

export function validateMaxResults(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined || value === 0) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw MlflowError.invalid(
      `Invalid value ${value} for parameter 'max_results' supplied. It must be at most ${max}, but got value ${value}`,
    );
  }
  return value;
}

export interface IntegerRange {
  min?: number;
  max?: number;
}

/** Postgres `integer` and sqlite's LIMIT/OFFSET both hold this; larger offsets page past any table. */
export const MAX_QUERY_INTEGER = 2 ** 31 - 1;

/**
 * An integer query parameter of tsflow's own routes (`?max_results=`, `?offset=`, `?max_checks=`):
 * absent is undefined; repeated, fractional, non-finite (`Infinity`, `1e999`, `NaN`) or out-of-range
 * values are a 400 naming the parameter, never a store error. The one parser behind `@IntQuery`.
 */
export function queryInteger(name: string, raw: unknown, range: IntegerRange = {}): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const { min = 0, max = MAX_QUERY_INTEGER } = range;
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const n = text !== undefined && /^[+-]?\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) {
    const shown = Array.isArray(raw) ? 'given more than once' : quote(String(raw));
    throw MlflowError.invalid(
      `Invalid value ${shown} for parameter '${name}' supplied: expected one integer from ${min} to ${max}.`,
    );
  }
  return n;
}

/** Repeatedly URL-decode (at most 10 rounds) until stable; undecodable input stays as is. */
export function decodeRepeatedly(value: string, plusAsSpace = false): string {
  let current = value;
  for (let i = 0; i < 10; i++) {
    let next: string;
    try {
      next = decodeURIComponent(plusAsSpace ? current.replace(/\+/g, ' ') : current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}
