import type { SqlRunner } from '../../database/db';
import { historyUnion } from './history-union.sql';

const MAX_DOUBLE = 1.7976931348623157e308;
/** The stored value: NaN from its flag, ±Infinity from MLflow's ±max double. */
const decode = (value: number, isNan: unknown) =>
  Number(isNan) ? NaN : value >= MAX_DOUBLE ? Infinity : value <= -MAX_DOUBLE ? -Infinity : value;

/** One metric's stored history as columns, ordered by (step, timestamp) (±Infinity as such). */
export interface MetricColumns {
  steps: Float64Array;
  values: Float64Array;
  timestamps: Float64Array;
}

type ColumnRow = {
  run_uuid?: string;
  step: number | string;
  timestamp: number | string;
  value: number;
  is_nan: number;
};

function toColumns(rows: ColumnRow[], from = 0, to = rows.length): MetricColumns {
  const n = to - from;
  const out = { steps: new Float64Array(n), values: new Float64Array(n), timestamps: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const r = rows[from + i];
    out.steps[i] = Number(r.step);
    out.timestamps[i] = Number(r.timestamp);
    out.values[i] = decode(Number(r.value), r.is_nan);
  }
  return out;
}

function arraysToColumns(rows: [number, number, number, number][]): MetricColumns {
  const n = rows.length;
  const out = { steps: new Float64Array(n), values: new Float64Array(n), timestamps: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const [step, timestamp, value, isNan] = rows[i];
    out.steps[i] = step;
    out.timestamps[i] = timestamp;
    out.values[i] = decode(value, isNan);
  }
  return out;
}

/**
 * Histories of one key for many runs, reading only the four columns a chart needs. sqlite (rows as
 * arrays): one primary-key range scan per run, already in (step, timestamp) order (faster than
 * one `IN` query here); Postgres: one query for all runs (a round trip per run would dominate).
 */
export async function readMetricColumns(
  db: SqlRunner,
  runIds: string[],
  key: string,
): Promise<Map<string, MetricColumns>> {
  const out = new Map<string, MetricColumns>();
  if (db.queryArrays) {
    for (const runId of runIds) {
      const rows = await db.queryArrays(
        `${historyUnion((t) => `SELECT step, timestamp, value, is_nan FROM ${t} WHERE run_uuid = ? AND key = ?`)}
         ORDER BY step, timestamp`,
        [runId, key, runId, key],
      );
      if (rows.length) out.set(runId, arraysToColumns(rows as [number, number, number, number][]));
    }
    return out;
  }
  const rows = await db.query<ColumnRow>(
    `${historyUnion((t) => `SELECT run_uuid, step, timestamp, value, is_nan FROM ${t} WHERE run_uuid = ANY(?) AND key = ?`)}
     ORDER BY run_uuid, step, timestamp`,
    [runIds, key, runIds, key],
  );
  let from = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i === rows.length || rows[i].run_uuid !== rows[from].run_uuid) {
      out.set(rows[from].run_uuid!, toColumns(rows, from, i));
      from = i;
    }
  }
  return out;
}
