import type { Operation, Schema } from './operations';
import type { FuzzRequest } from './requests';

/** The numbers of issue 21: non-finite, beyond float range, beyond 2^53, not a number. */
export const EXTREME_TOKENS = ['Infinity', '-Infinity', '1e999', '-1e400', '9007199254740993', 'NaN'];

const isNumeric = (s: Schema | undefined) =>
  s !== undefined && (s.type === 'integer' || s.type === 'number' || typeof s.example === 'number');

/** Dotted paths of the numeric fields of a body schema (two levels down, arrays by their first item). */
function numericFields(schema: Schema | undefined, depth = 0): string[][] {
  if (!schema || depth > 2) return [];
  const out: string[][] = [];
  for (const [name, s] of Object.entries(schema.properties ?? {})) {
    if (isNumeric(s)) out.push([name]);
    const inner = s.type === 'array' ? s.items : s;
    if (inner?.properties)
      for (const sub of numericFields(inner, depth + 1)) out.push([name, ...(s.type === 'array' ? ['0'] : []), ...sub]);
  }
  return out;
}

/** JSON text with `token` (bare, not a JSON string) at `field`. */
function bodyWith(field: string[], token: string): string {
  const marker = '"@@extreme@@"';
  const build = (keys: string[]): unknown => {
    if (keys.length === 0) return '@@extreme@@';
    const [k, ...rest] = keys;
    return k === '0' ? [build(rest)] : { [k]: build(rest) };
  };
  return JSON.stringify(build(field)).replace(marker, token);
}

/**
 * A deterministic sweep (the generated requests hit each field only by chance): every extreme
 * token in every numeric query parameter and every numeric body field of every operation.
 */
export function extremeNumberRequests(ops: Operation[]): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  for (const op of ops) {
    const path = op.pathParams.reduce((p, name) => p.replace(`{${name}}`, '1'), op.path);
    const label = `${op.method} ${op.path}`;
    for (const q of op.query.filter((p) => isNumeric(p.schema)))
      for (const token of EXTREME_TOKENS)
        out.push({ method: op.method, path: `${path}?${q.name}=${encodeURIComponent(token)}`, headers: {}, op: label });
    if (!op.contentTypes.includes('application/json')) continue;
    for (const field of numericFields(op.body))
      for (const token of EXTREME_TOKENS)
        out.push({
          method: op.method,
          path,
          headers: { 'content-type': 'application/json' },
          body: bodyWith(field, token),
          op: label,
        });
  }
  return out;
}
