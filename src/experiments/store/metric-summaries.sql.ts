import type { SqlRunner } from '../../database/db';
import { inList, insertRows, listParam } from '../../database/sql-dialect';
import { historyUnion } from './history-union.sql';
import { addPoints, decodeSummary, emptySummary, encodeSummary, Point, Summary, summaryEnd } from '../history/summary';

/**
 * Maintenance of `metric_summaries` (migration 031): a blob per (run, key) summarising every
 * point of `metrics` up to (upto_step, upto_ts); the points of `metrics` after it are the tail,
 * and the points still in `metric_recent` (metric-history.sql.ts) are added on every read.
 *
 * Maintained over the points that reach `metrics`: on sqlite when a run's recent points move
 * (writers are serialised), on Postgres by each batch after its latest_metrics upsert (whose row
 * locks order concurrent writers of a (run, key)):
 * - no row yet: the key's whole history becomes the summary;
 * - points at or before the end (out of order, duplicates): merged into the blob (idempotent);
 * - a tail spanning enough steps (see tailSteps): folded into the blob.
 * Read path: blob + tail + recent points (merging is idempotent: a recent point the blob has
 * already changes nothing); a missing row is built from the full history, a long tail folded,
 * and both written back (never over a row a writer changed meanwhile).
 */
const TAIL_STEPS = 16;
/** Tails longer than this are folded by the read path (e.g. histories logged at one step). */
const READ_FOLD_POINTS = 64;

export interface Head {
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

export type PointRow = { step: number | string; timestamp: number | string; value: number; is_nan: number };
export const toPoint = (r: PointRow): Point => ({
  step: Number(r.step),
  timestamp: Number(r.timestamp),
  value: Number(r.is_nan) ? NaN : Number(r.value),
});

/** Points by where they are: `metrics` (what summaries cover) or `metric_recent` (added on reads). */
interface Split {
  stored: Point[];
  recent: Point[];
}

type SplitRow = PointRow & { recent: number };

function push(into: Split, r: SplitRow): void {
  (Number(r.recent) ? into.recent : into.stored).push(toPoint(r));
}

/** Every point of (run, key), in no particular order (summaries merge points in any order). */
async function readHistory(db: SqlRunner, runId: string, key: string): Promise<Split> {
  const rows = await db.query<SplitRow>(
    historyUnion(
      (t) =>
        `SELECT step, timestamp, value, is_nan, ${t === 'metrics' ? 0 : 1} AS recent FROM ${t} WHERE run_uuid = ? AND key = ?`,
    ),
    [runId, key, runId, key],
  );
  const out: Split = { stored: [], recent: [] };
  for (const r of rows) push(out, r);
  return out;
}

function rowOf(runId: string, key: string, s: Summary): unknown[] {
  const end = summaryEnd(s)!;
  return [runId, key, end.step, end.timestamp, Buffer.from(encodeSummary(s))];
}

/** Before every step (the whole history is the tail). */
const ORIGIN = Number.MIN_SAFE_INTEGER;

/**
 * The points of `metrics` after each summary end and every recent one, in one query: a
 * primary-key range scan per head (CROSS JOIN keeps the list outermost in sqlite, whose planner
 * would otherwise scan the run). Heads vary along `by` (several keys of one run, or one key of
 * several runs), `fixed` is the other column's value; the answer is grouped by the `by` value,
 * each group in no particular order.
 */
async function readTailsAfter(
  db: SqlRunner,
  by: 'key' | 'run_uuid',
  fixed: string,
  heads: readonly (readonly [string, number, number])[],
): Promise<Map<string, Split>> {
  const out = new Map<string, Split>();
  if (heads.length === 0) return out;
  const pg = db.dialect === 'postgres';
  const other = by === 'key' ? 'run_uuid' : 'key';
  const list = pg
    ? `unnest(?::text[], ?::bigint[], ?::bigint[]) AS h(${by}, upto_step, upto_ts)`
    : `(SELECT value ->> 0 AS ${by}, value ->> 1 AS upto_step, value ->> 2 AS upto_ts FROM json_each(?)) h`;
  const params = pg
    ? [heads.map((h) => h[0]), heads.map((h) => h[1]), heads.map((h) => h[2])]
    : [JSON.stringify(heads)];
  const afterHead = 'AND m.step >= h.upto_step AND (m.step > h.upto_step OR m.timestamp > h.upto_ts)';
  const rows = await db.query<SplitRow & { head: string }>(
    historyUnion(
      (t) => `SELECT m.${by} AS head, m.step, m.timestamp, m.value, m.is_nan, ${t === 'metrics' ? 0 : 1} AS recent
     FROM ${list} CROSS JOIN ${t} m WHERE m.${other} = ? AND m.${by} = h.${by} ${t === 'metrics' ? afterHead : ''}`,
    ),
    [...params, fixed, ...params, fixed],
  );
  for (const r of rows) {
    let split = out.get(r.head);
    if (!split) out.set(r.head, (split = { stored: [], recent: [] }));
    push(split, r);
  }
  return out;
}

/** Where each summary of the run's `keys` ends (keys without a summary are left out). */
export async function readHeads(tx: SqlRunner, runId: string, keys: readonly string[]): Promise<Map<string, Head>> {
  const rows = await tx.query<{ key: string; upto_step: number | string; upto_ts: number | string }>(
    `SELECT key, upto_step, upto_ts FROM metric_summaries WHERE run_uuid = ? AND ${inList(tx.dialect, 'key')}`,
    [runId, listParam(tx.dialect, keys)],
  );
  return new Map(rows.map((r) => [r.key, { key: r.key, uptoStep: Number(r.upto_step), uptoTs: Number(r.upto_ts) }]));
}

/** A key whose points just moved into `metrics`: their greatest step, and those at or before the summary's end. */
export interface MovedKey {
  key: string;
  maxStep: number;
  /** Points to merge (only those at or before the head are used; may be empty when none can be). */
  points: readonly Point[];
}

/**
 * Keeps the summaries of `runId` once points moved into `metrics` (inside that transaction).
 * Set-based: one read of the blobs that change, one of the histories to fold, one upsert,
 * whatever the number of keys.
 */
export async function maintainSummaries(
  tx: SqlRunner,
  runId: string,
  moved: readonly MovedKey[],
  heads: Map<string, Head>,
): Promise<void> {
  const byKey = new Map(moved.map((m) => [m.key, m]));
  const keys = [...byKey.keys()].sort();
  const early = (key: string, head: Head) => byKey.get(key)!.points.filter((p) => !after(p, head));
  const due = (key: string, head: Head) => byKey.get(key)!.maxStep - head.uptoStep >= tailSteps(head);
  const changing = keys.filter((k) => heads.has(k) && (early(k, heads.get(k)!).length > 0 || due(k, heads.get(k)!)));
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
    else if (blobs.get(key) && due(key, head)) reads.push(head);
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
    if (!head || (blobs.has(key) && !blob)) next = addPoints(emptySummary(), tails.get(key)?.stored ?? []);
    else if (blob) next = addPoints(addPoints(blob, early(key, head)), tails.get(key)?.stored ?? []);
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
    const split = blob ? (tails.get(runId) ?? { stored: [], recent: [] }) : await readHistory(db, runId, key);
    // What a row may keep covers `metrics` only; recent points are added to every answer.
    const kept = addPoints(blob ?? emptySummary(), split.stored);
    const s = addPoints(kept, split.recent);
    if (s.buckets.length === 0) continue;
    out.set(runId, s);
    if (kept.buckets.length === 0) continue;
    if (!r) writeBack.push({ row: rowOf(runId, key, kept) });
    // A row this code cannot read, or a long tail: replaced, unless a writer changed it meanwhile.
    else if (!blob || split.stored.length > READ_FOLD_POINTS)
      writeBack.push({ row: rowOf(runId, key, kept), old: [runId, key, r.upto_step, r.upto_ts, r.data] });
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
