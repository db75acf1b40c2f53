import { MlflowError } from '../mlflow-error';
import { FieldDef, Infer, MessageSpec } from './fields';
import { isFloatLiteral, pyFloatText } from './float-literals';

const DOCS = 'See the API docs for more information about request parameters.';

function pyType(v: unknown, float: boolean): string {
  if (v === null) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && !float ? 'int' : 'float';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'str';
    default:
      return 'dict';
  }
}

/** The offending value as MLflow prints it (`json.dumps`: strings quoted), clipped. */
function show(v: unknown, float: boolean): string {
  if (float && typeof v === 'number') return pyFloatText(v);
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    // Deeply nested input overflows JSON.stringify's stack: a 400 must not become a 500.
    text = Array.isArray(v) ? '[...]' : '{...}';
  }
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}

/** `float`: the JSON literal was a float (`9.0`) even though its value is integral. */
export function invalidValue(path: string, v: unknown, hint?: string, float = false): MlflowError {
  const extra = hint ?? `Hint: Value was of type '${pyType(v, float)}'. ${DOCS}`;
  return MlflowError.invalid(`Invalid value ${show(v, float)} for parameter '${path}' supplied: ${extra}`);
}

export function missingValue(path: string): MlflowError {
  return MlflowError.invalid(`Missing value for required parameter '${path}'. ${DOCS}`);
}

const INT_RE = /^-?\d{1,19}$/;
const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseInteger(v: unknown, path: string, bits: 32 | 64): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && INT_RE.test(v.trim())) n = Number(v.trim());
  else throw invalidValue(path, v);
  if (!Number.isInteger(n)) throw invalidValue(path, v);
  const limit = bits === 32 ? 2 ** 31 : 2 ** 63;
  if (n >= limit || n < -limit) throw invalidValue(path, v);
  return n;
}

function parseDouble(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === 'NaN') return NaN;
    if (s === 'Infinity' || s === 'inf') return Infinity;
    if (s === '-Infinity' || s === '-inf') return -Infinity;
    if (NUM_RE.test(s)) return Number(s);
  }
  throw invalidValue(path, v);
}

function parseBool(v: unknown, path: string, float: boolean): boolean {
  if (typeof v === 'boolean') return v;
  // Query strings carry booleans as text.
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalidValue(path, v, undefined, float);
}

function parseEnum(v: unknown, def: FieldDef, path: string): string {
  const values = def.enumValues ?? [];
  if (typeof v === 'string' && values.includes(v)) return v;
  // Protobuf enums also accept their number (1-based in MLflow's protos).
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= values.length) return values[n - 1];
  throw invalidValue(path, v, `Value must be one of ${values.join(', ')}. ${DOCS}`);
}

function parseScalar(v: unknown, def: FieldDef, path: string, float = false): unknown {
  switch (def.kind) {
    case 'string':
      // Postgres TEXT cannot hold NUL: reject it here for every backend instead of failing in SQL.
      if (typeof v === 'string' && v.includes('\u0000'))
        throw invalidValue(path, v, `NUL characters are not allowed. ${DOCS}`);
      if (typeof v === 'string') return v;
      // MLflow converts with Python's str(): 9.0 stays "9.0".
      if (def.numberAsString && typeof v === 'number' && Number.isFinite(v)) return float ? pyFloatText(v) : String(v);
      throw invalidValue(path, v, undefined, float);
    case 'int64':
      return parseInteger(v, path, 64);
    case 'int32':
      return parseInteger(v, path, 32);
    case 'double':
      return parseDouble(v, path);
    case 'bool':
      return parseBool(v, path, float);
    case 'enum':
      return parseEnum(v, def, path);
    case 'message':
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalidValue(path, v, undefined, float);
      return parseMessage(def.message ?? {}, v as Record<string, unknown>, path);
    case 'json':
      return v;
  }
}

function isMissing(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function parseField(v: unknown, def: FieldDef, path: string, float: boolean): unknown {
  if (!def.repeated) return parseScalar(v, def, path, float);
  if (!Array.isArray(v)) throw invalidValue(path, v, undefined, float);
  return v.map((item, i) => {
    const itemPath = `${path}[${i}]`;
    if (item === null || item === undefined) throw missingValue(itemPath);
    return parseScalar(item, def, itemPath, isFloatLiteral(v, i));
  });
}

const NOT_FAST = Symbol('not-fast');

/**
 * The common well-formed scalars (a plain string, a finite number) accepted without building
 * the field's error path: log-batch parses thousands of metric fields per request.
 */
function fastScalar(v: unknown, def: FieldDef): unknown {
  if (def.repeated) return NOT_FAST;
  switch (def.kind) {
    case 'string':
      return typeof v === 'string' && v !== '' && !v.includes('\u0000') ? v : NOT_FAST;
    case 'double':
      return typeof v === 'number' ? v : NOT_FAST;
    case 'int64':
      return typeof v === 'number' && Number.isSafeInteger(v) ? v : NOT_FAST;
    default:
      return NOT_FAST;
  }
}

const ENTRIES = new WeakMap<MessageSpec, [string, FieldDef][]>();

function entriesOf(spec: MessageSpec): [string, FieldDef][] {
  let entries = ENTRIES.get(spec);
  if (!entries) {
    entries = Object.entries(spec).map(([name, field]) => [name, field.def]);
    ENTRIES.set(spec, entries);
  }
  return entries;
}

/**
 * Validate `raw` against a message spec. `prefix` is the JSON path of nested messages, so
 * errors read like MLflow's (`metrics[0].timestamp`). Fields not in the spec are ignored, as
 * MLflow ignores unknown JSON fields (newer clients send fields older servers do not know).
 */
export function parseMessage<S extends MessageSpec>(spec: S, raw: Record<string, unknown>, prefix = ''): Infer<S> {
  const out: Record<string, unknown> = {};
  for (const [name, def] of entriesOf(spec)) {
    const v = raw[name];
    if (v === undefined && !def.required) continue;
    const fast = fastScalar(v, def);
    if (fast !== NOT_FAST) {
      out[name] = fast;
      continue;
    }
    const path = prefix ? `${prefix}.${name}` : name;
    if (isMissing(v) && !(def.repeated && Array.isArray(v))) {
      // An empty string counts as missing for required fields; optional fields keep "".
      if (def.required) throw missingValue(path);
      // A repeated field needs a list: "" for experiment_ids once reached the store as a string.
      if (v === '' && def.repeated) throw invalidValue(path, v, undefined, false);
      if (v === '' && def.kind === 'string') out[name] = '';
      continue;
    }
    out[name] = parseField(v, def, path, isFloatLiteral(raw, name));
    if (def.required && def.repeated && (out[name] as unknown[]).length === 0) {
      throw missingValue(path);
    }
  }
  return out as Infer<S>;
}

/**
 * Query strings only carry scalars: a repeated field collects every occurrence, a scalar takes
 * the first one (mlflow-api.md §1.2).
 */
export function normaliseQuery(spec: MessageSpec, query: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    const v = query[name];
    if (v === undefined) continue;
    if (field.def.repeated) out[name] = Array.isArray(v) ? v : [v];
    else out[name] = Array.isArray(v) ? v[0] : v;
  }
  return out;
}
