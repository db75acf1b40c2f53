/** Protobuf-JSON conventions MLflow's clients rely on (mlflow-api.md §1.4). */

/** Doubles: finite as numbers, NaN and infinities as their protobuf string names. */
export function wireDouble(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

/** Drop undefined fields and empty arrays: proto2 JSON omits unset and empty repeated fields. */
export function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Record<string, unknown> = {};
  // for…in over the fresh object literals the mappers pass (no entry arrays: hot on every answer).
  for (const k in obj) {
    const v = obj[k];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as Partial<T>;
}
