import type { Dialect, SqlRunner } from './db';

/**
 * The few SQL idioms that differ between sqlite and Postgres. Store code composes these so
 * one implementation serves both.
 */

/** `col IN <list>` bound to one parameter (no variable-count limits, one cached statement). */
export function inList(dialect: Dialect, col: string): string {
  return dialect === 'postgres' ? `${col} = ANY(?)` : `${col} IN (SELECT value FROM json_each(?))`;
}

export function listParam(dialect: Dialect, values: readonly (string | number)[]): unknown {
  return dialect === 'postgres' ? [...values] : JSON.stringify(values);
}

/** A SQL fragment with its bound parameters. */
export interface Sql {
  sql: string;
  params: unknown[];
}

/**
 * `col` among a few fixed values (lifecycle stages: one or two), one placeholder each. On sqlite
 * an `IN (SELECT value FROM json_each(?))` costs a JSON parse and a bloom filter per statement:
 * search-experiments' 100-row page took 0.39 ms with it and 0.21 ms with `= ?`.
 */
export function amongValues(col: string, values: readonly string[]): Sql {
  if (values.length === 0) return { sql: '1 = 0', params: [] };
  if (values.length === 1) return { sql: `${col} = ?`, params: [values[0]] };
  return { sql: `${col} IN (${values.map(() => '?').join(', ')})`, params: [...values] };
}

/** A search clause on a text column: IN / NOT IN over one list parameter, else `stringComparison`. */
export function stringCondition(dialect: Dialect, col: string, c: { comparator: string; value: unknown }): Sql {
  if (c.comparator === 'IN' || c.comparator === 'NOT IN') {
    const values = (c.value as string[]) ?? [];
    const cond = inList(dialect, col);
    return { sql: c.comparator === 'IN' ? cond : `NOT (${cond})`, params: [listParam(dialect, values)] };
  }
  const { sql, param } = stringComparison(dialect, col, c.comparator, String(c.value));
  return { sql, params: [param] };
}

/** sqlite's LIKE ignores ASCII case; GLOB is its case-sensitive twin with other wildcards. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '%') out += '*';
    else if (ch === '_') out += '?';
    else if (ch === '*' || ch === '?' || ch === '[') out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

/** A string comparison `col <op> ?` with MLflow semantics (case-sensitive except ILIKE). */
export function stringComparison(
  dialect: Dialect,
  col: string,
  op: string,
  value: string,
): { sql: string; param: string } {
  switch (op) {
    case 'LIKE':
      return dialect === 'postgres'
        ? { sql: `${col} LIKE ?`, param: value }
        : { sql: `${col} GLOB ?`, param: likeToGlob(value) };
    case 'ILIKE':
      return dialect === 'postgres'
        ? { sql: `${col} ILIKE ?`, param: value }
        : { sql: `lower(${col}) LIKE lower(?)`, param: value };
    case '=':
    case '!=':
      return { sql: `${col} ${op} ?`, param: value };
    default:
      throw new Error(`unsupported string comparator ${op}`);
  }
}

/** Byte-order text ordering (uppercase before lowercase), as MLflow specifies. */
export function textOrder(dialect: Dialect, col: string): string {
  return dialect === 'postgres' ? `${col} COLLATE "C"` : col;
}

/**
 * Insert many rows; resolves to the number actually inserted (fewer when an ON CONFLICT tail
 * skipped some). sqlite: one cached single-row statement per row (fastest with the
 * synchronous driver); Postgres: multi-row statements (fewest round trips).
 */
export async function insertRows(
  tx: SqlRunner,
  head: string,
  width: number,
  rows: readonly unknown[][],
  tail = '',
): Promise<number> {
  if (rows.length === 0) return 0;
  const tuple = `(${new Array(width).fill('?').join(', ')})`;
  let inserted = 0;
  if (tx.dialect === 'sqlite') {
    const sql = `${head} VALUES ${tuple} ${tail}`;
    if (tx.runMany) return tx.runMany(sql, rows);
    for (const row of rows) inserted += await tx.run(sql, row);
    return inserted;
  }
  const chunk = Math.max(1, Math.floor(30000 / width));
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const sql = `${head} VALUES ${part.map(() => tuple).join(', ')} ${tail}`;
    inserted += await tx.run(sql, part.flat());
  }
  return inserted;
}
