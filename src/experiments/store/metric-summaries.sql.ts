import type { SqlRunner } from '../../database/db';
import { inList, insertRows, listParam } from '../../database/sql-dialect';
import { addPoints, decodeSummary, emptySummary, encodeSummary, Point, Summary, summaryEnd } from '../history/summary';
import type { Metric } from '../tracking.types';

/**
 * Maintenance of `metric_summaries` (migration 031): a blob per (run, key) summarising the points
 * up to (upto_step, upto_ts); the points after it are the tail, still only in `metrics`.
 *
 * Write path (same transaction as log-batch, after latest_metrics is upserted: on Postgres that
 * row lock serialises every writer of the (run, key), so a fold never misses a concurrent point):
 * - no row yet: the key's whole history (usually just this batch) becomes the summary;
 * - points at or before the end (out of order, duplicates): merged into the blob (idempotent);
 * - a tail spanning enough steps (see tailSteps): folded into the blob.
 * Read path: blob + tail; a missing row is built from the full history, a long tail folded, and
 * both written back (never over a row a writer changed meanwhile).
 */
const TAIL_STEPS = 16;
/** Tails longer than this are folded by the read path (e.g. histories logged at one step). */
const READ_FOLD_POINTS = 64;

interface Head {
  key: string;
  uptoStep: number;
  uptoTs: number;
}

const after = (p: { step: number; timestamp: number }, h: Head) =>
  p.step > h.uptoStep || (p.step === h.uptoStep && p.timestamp > h.uptoTs);

/**
 * Steps of tail that trigger a fold: 16 while the summary is young, up to 128 once it spans 1,000+
 * steps (a fold rewrites the blob, up to ~5 kB: about 40 bytes per folded point then), plus 0..15
 * fixed per key, so a batch of 500 keys does not fold them all at once. A read adds the tail.
 */
function tailSteps(head: Head): number {
  let h = 0;
  for (let i = 0; i < head.key.length; i++) h = (h * 31 + head.key.charCodeAt(i)) | 0;
  return Math.min(128, Math.max(TAIL_STEPS, Math.floor(head.uptoStep / 8))) + (Math.abs(h) % TAIL_STEPS);
}

type PointRow = { step: number | string; timestamp: number | string; value: number; is_nan: number };
const toPoint = (r: PointRow): Point => ({
  step: Number(r.step),
  timestamp: Number(r.timestamp),
  value: Number(r.is_nan) ? NaN : Number(r.value),
});

/** Stored points of (run, key) after `from` (all of them without it), by (step, timestamp). */
export async function readTail(db: SqlRunner, runId: string, key: string, from?: Head): Promise<Point[]> {
  const rows = from
    ? await db.query<PointRow>(
        `SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ?
         AND (step > ? OR (step = ? AND timestamp > ?)) ORDER BY step, timestamp`,
        [runId, key, from.uptoStep, from.uptoStep, from.uptoTs],
      )
    : await db.query<PointRow>(
        'SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp',
        [runId, key],
      );
  return rows.map(toPoint);
}

function rowOf(runId: string, key: string, s: Summary): unknown[] {
  const end = summaryEnd(s)!;
  return [runId, key, end.step, end.timestamp, Buffer.from(encodeSummary(s))];
}

/** Before every step (the whole history is the tail). */
const ORIGIN = Number.MIN_SAFE_INTEGER;

/**
 * The points after each summary end, in one query: a primary-key range scan of `metrics` per
 * head (CROSS JOIN keeps the list outermost in sqlite, whose planner would otherwise scan the
 * run). Heads vary along `by` (several keys of one run, or one key of several runs), `fixed` is
 * the other column's value; the answer is grouped by the `by` value.
 */
async function readTailsAfter(
  db: SqlRunner,
  by: 'key' | 'run_uuid',
  fixed: string,
  heads: readonly (readonly [string, number, number])[],
): Promise<Map<string, Point[]>> {
  const out = new Map<string, Point[]>();
  if (heads.length === 0) return out;
  const pg = db.dialect === 'postgres';
  const other = by === 'key' ? 'run_uuid' : 'key';
  const list = pg
    ? `unnest(?::text[], ?::bigint[], ?::bigint[]) AS h(${by}, upto_step, upto_ts)`
    : `(SELECT value ->> 0 AS ${by}, value ->> 1 AS upto_step, value ->> 2 AS upto_ts FROM json_each(?)) h`;
  const params = pg
    ? [heads.map((h) => h[0]), heads.map((h) => h[1]), heads.map((h) => h[2])]
    : [JSON.stringify(heads)];
  const rows = await db.query<PointRow & { head: string }>(
    `SELECT m.${by} AS head, m.step, m.timestamp, m.value, m.is_nan FROM ${list}
     CROSS JOIN metrics m
     WHERE m.${other} = ? AND m.${by} = h.${by} AND m.step >= h.upto_step AND (m.step > h.upto_step OR m.timestamp > h.upto_ts)
     ORDER BY m.${by}, m.step, m.timestamp`,
    [...params, fixed],
  );
  for (const r of rows) {
    const points = out.get(r.head);
    if (points) points.push(toPoint(r));
    else out.set(r.head, [toPoint(r)]);
  }
  return out;
}

/**
 * Keeps the summaries of `runId` right after `metrics` were stored (inside the batch's
 * transaction). Set-based: one read of the heads, one of the blobs that change, one of the
 * histories to fold, one upsert, whatever the number of keys.
 */
export async function maintainSummaries(tx: SqlRunner, runId: string, metrics: readonly Metric[]): Promise<void> {
  const byKey = new Map<string, Metric[]>();
  for (const m of metrics) {
    const list = byKey.get(m.key);
    if (list) list.push(m);
    else byKey.set(m.key, [m]);
  }
  const keys = [...byKey.keys()].sort();
  const heads = new Map(
    (
      await tx.query<{ key: string; upto_step: number | string; upto_ts: number | string }>(
        `SELECT key, upto_step, upto_ts FROM metric_summaries WHERE run_uuid = ? AND ${inList(tx.dialect, 'key')}`,
        [runId, listParam(tx.dialect, keys)],
      )
    ).map((r) => [r.key, { key: r.key, uptoStep: Number(r.upto_step), uptoTs: Number(r.upto_ts) }]),
  );
  const changing = keys.filter((k) => heads.has(k) && changesBlob(heads.get(k)!, byKey.get(k)!));
  const blobs = new Map<string, Summary | undefined>();
  if (changing.length)
    for (const r of await tx.query<{ key: string; data: Uint8Array }>(
      `SELECT key, data FROM metric_summaries WHERE run_uuid = ? AND ${inList(tx.dialect, 'key')}`,
      [runId, listParam(tx.dialect, changing)],
    ))
      blobs.set(r.key, decodeSummary(r.data));
  // New keys (or rows this code cannot read): the whole history; due folds: the tail.
  const reads: Head[] = [];
  for (const key of keys) {
    const head = heads.get(key);
    if (!head || (blobs.has(key) && !blobs.get(key))) reads.push({ key, uptoStep: ORIGIN, uptoTs: ORIGIN });
    else if (blobs.get(key) && tailDue(head, byKey.get(key)!)) reads.push(head);
  }
  const tails = await readTailsAfter(
    tx,
    'key',
    runId,
    reads.map((h) => [h.key, h.uptoStep, h.uptoTs] as const),
  );
  const rows: unknown[][] = [];
  for (const key of keys) {
    const head = heads.get(key);
    const blob = blobs.get(key);
    let next: Summary | undefined;
    if (!head || (blobs.has(key) && !blob)) next = addPoints(emptySummary(), tails.get(key) ?? []);
    else if (blob) {
      next = addPoints(
        blob,
        byKey.get(key)!.filter((p) => !after(p, head)),
      );
      next = addPoints(next, tails.get(key) ?? []);
    }
    if (next && next.buckets.length) rows.push(rowOf(runId, key, next));
  }
  await insertRows(
    tx,
    'INSERT INTO metric_summaries (run_uuid, key, upto_step, upto_ts, data)',
    5,
    rows,
    'ON CONFLICT (run_uuid, key) DO UPDATE SET upto_step = excluded.upto_step, upto_ts = excluded.upto_ts, data = excluded.data',
  );
}

function tailDue(head: Head, points: readonly Metric[]): boolean {
  let maxStep = -Infinity;
  for (const p of points) if (p.step > maxStep) maxStep = p.step;
  return maxStep - head.uptoStep >= tailSteps(head);
}

/** Whether this batch changes the blob: points at or before its end, or a tail long enough to fold. */
function changesBlob(head: Head, points: readonly Metric[]): boolean {
  return points.some((p) => !after(p, head)) || tailDue(head, points);
}

/**
 * The summaries of `key` for `runIds` (runs without the key left out), tails included. Rows that
 * were missing or had long tails are written back, each only if no writer changed it meanwhile.
 */
export async function readSummaries(
  db: SqlRunner & { transaction?: <T>(fn: (tx: SqlRunner) => Promise<T>) => Promise<T> },
  runIds: string[],
  key: string,
): Promise<Map<string, Summary>> {
  const rows = await db.query<{
    run_uuid: string;
    upto_step: number | string;
    upto_ts: number | string;
    data: Uint8Array;
  }>(
    `SELECT run_uuid, upto_step, upto_ts, data FROM metric_summaries WHERE ${inList(db.dialect, 'run_uuid')} AND key = ?`,
    [listParam(db.dialect, runIds), key],
  );
  const stored = new Map(rows.map((r) => [r.run_uuid, r]));
  const heads = rows.map((r): [string, number, number] => [r.run_uuid, Number(r.upto_step), Number(r.upto_ts)]);
  const tails = await readTailsAfter(db, 'run_uuid', key, heads);
  const out = new Map<string, Summary>();
  const writeBack: { row: unknown[]; old?: unknown[] }[] = [];
  for (const runId of runIds) {
    const r = stored.get(runId);
    const blob = r && decodeSummary(r.data);
    // No row (or one this code cannot read): the whole history.
    const tail = blob ? (tails.get(runId) ?? []) : await readTail(db, runId, key);
    const s = addPoints(blob ?? emptySummary(), tail);
    if (s.buckets.length === 0) continue;
    out.set(runId, s);
    if (!r) writeBack.push({ row: rowOf(runId, key, s) });
    // A row this code cannot read, or a long tail: replaced, unless a writer changed it meanwhile.
    else if (!blob || tail.length > READ_FOLD_POINTS)
      writeBack.push({ row: rowOf(runId, key, s), old: [runId, key, r.upto_step, r.upto_ts, r.data] });
  }
  if (writeBack.length && db.transaction) await db.transaction((tx) => saveFolds(tx, writeBack));
  return out;
}

async function saveFolds(tx: SqlRunner, list: { row: unknown[]; old?: unknown[] }[]): Promise<void> {
  for (const { row, old } of list) {
    if (!old) {
      await tx.query(
        'INSERT INTO metric_summaries (run_uuid, key, upto_step, upto_ts, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        row,
      );
    } else {
      await tx.query(
        `UPDATE metric_summaries SET upto_step = ?, upto_ts = ?, data = ?
         WHERE run_uuid = ? AND key = ? AND upto_step = ? AND upto_ts = ? AND data = ?`,
        [row[2], row[3], row[4], ...old],
      );
    }
  }
}
