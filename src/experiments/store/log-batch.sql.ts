import { MlflowError } from '../../common/mlflow-error';
import type { SqlRunner } from '../../database/db';
import { inList, insertRows, listParam } from '../../database/sql-dialect';
import type { LogBatch } from '../tracking.store';
import type { KeyValue, Metric } from '../tracking.types';
import { MetricRowValues, storePoints, summarizePoints } from './metric-history.sql';
import { encodeMetricValue } from './sql-values';

export const RUN_NAME_TAG = 'mlflow.runName';

function paramConflictError(runId: string, conflicts: { key: string; old: string; value: string }[]): MlflowError {
  if (conflicts.length === 1) {
    const c = conflicts[0];
    return MlflowError.invalid(
      `Changing param values is not allowed. Param with key='${c.key}' was already logged with value='${c.old}' ` +
        `for run ID='${runId}'. Attempted logging new value '${c.value}'.`,
    );
  }
  const list = conflicts.map((c) => `{'key': '${c.key}', 'old_value': '${c.old}', 'new_value': '${c.value}'}`);
  return MlflowError.invalid(
    `Changing param values is not allowed. Params were already logged='[${list.join(', ')}]' for run ID='${runId}'.`,
  );
}

async function storedParams(tx: SqlRunner, runId: string, params: KeyValue[]): Promise<Map<string, string>> {
  const rows = await tx.query<KeyValue>(
    `SELECT key, value FROM params WHERE run_uuid = ? AND ${inList(tx.dialect, 'key')}`,
    [
      runId,
      listParam(
        tx.dialect,
        params.map((p) => p.key),
      ),
    ],
  );
  return new Map(rows.map((p) => [p.key, p.value]));
}

function rejectChanges(runId: string, params: KeyValue[], stored: Map<string, string>): void {
  const conflicts = params
    .filter((p) => stored.has(p.key) && stored.get(p.key) !== p.value)
    .map((p) => ({ key: p.key, old: stored.get(p.key) as string, value: p.value }));
  if (conflicts.length) throw paramConflictError(runId, conflicts);
}

/**
 * Params are immutable: insert them all, skipping keys the run has already; only when some
 * were skipped (rare: a re-log) read those back and refuse any whose stored value differs.
 * The caller's transaction rolls the inserts back then. On Postgres a concurrent batch that
 * inserted one of the keys first is committed by the time DO NOTHING skips it, so the
 * read-back sees its value too.
 */
async function writeParams(tx: SqlRunner, runId: string, params: KeyValue[], startTime: number): Promise<void> {
  if (params.length === 0) return;
  const inserted = await insertRows(
    tx,
    'INSERT INTO params (run_uuid, key, value, start_time)',
    4,
    params.map((p) => [runId, p.key, p.value, startTime]),
    'ON CONFLICT (run_uuid, key) DO NOTHING',
  );
  if (inserted < params.length) rejectChanges(runId, params, await storedParams(tx, runId, params));
}

/** (step, timestamp, value) ordering of latest_metrics; NaN counts as 0 as in MLflow. */
function newer(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return encodeMetricValue(a.value).value > encodeMetricValue(b.value).value;
}

const LATEST_UPSERT =
  'ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan, ' +
  'timestamp = excluded.timestamp, step = excluded.step WHERE excluded.step > latest_metrics.step ' +
  'OR (excluded.step = latest_metrics.step AND (excluded.timestamp > latest_metrics.timestamp ' +
  'OR (excluded.timestamp = latest_metrics.timestamp AND excluded.value > latest_metrics.value)))';

async function writeMetrics(tx: SqlRunner, runId: string, metrics: Metric[]): Promise<void> {
  if (metrics.length === 0) return;
  // Per key, the index of its latest point in this batch (its row is upserted into latest_metrics).
  const latest = new Map<string, number>();
  const rows = metrics.map((m, i): MetricRowValues => {
    const best = latest.get(m.key);
    if (best === undefined || newer(m, metrics[best])) latest.set(m.key, i);
    const { value, isNan } = encodeMetricValue(m.value);
    return [runId, m.key, value, isNan, m.timestamp, m.step];
  });
  const stored = await storePoints(tx, runId, rows);
  // Keys in sorted order so concurrent batches lock latest_metrics rows consistently (no deadlocks on Postgres).
  const latestRows = [...latest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, i]) => rows[i]);
  await insertRows(
    tx,
    'INSERT INTO latest_metrics (run_uuid, key, value, is_nan, timestamp, step)',
    6,
    latestRows,
    LATEST_UPSERT,
  );
  await summarizePoints(tx, runId, stored);
}

async function writeTags(tx: SqlRunner, runId: string, tags: KeyValue[], startTime: number): Promise<void> {
  if (tags.length === 0) return;
  // Within one request the last value of a key wins.
  const last = new Map(tags.map((t) => [t.key, t.value]));
  const rows = [...last].map(([key, value]) => [runId, key, value, startTime]);
  await insertRows(
    tx,
    'INSERT INTO tags (run_uuid, key, value, start_time)',
    4,
    rows,
    'ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value',
  );
  const runName = last.get(RUN_NAME_TAG);
  if (runName !== undefined) await tx.query('UPDATE runs SET name = ? WHERE run_uuid = ?', [runName, runId]);
}

/** The run's start_time, copied into its params and tags rows (migration 1763800000034: the order index's tie order). */
async function runStartTime(tx: SqlRunner, runId: string): Promise<number> {
  const [row] = await tx.query<{ start_time: number }>('SELECT start_time FROM runs WHERE run_uuid = ?', [runId]);
  if (!row) throw MlflowError.notFound(`Run with id=${runId} not found`);
  return Number(row.start_time);
}

/** The run's start time is `batch.runStartTime` when the caller has it, else read when params or tags are written. */
export async function writeBatch(tx: SqlRunner, runId: string, batch: LogBatch): Promise<void> {
  const keyed = batch.params.length > 0 || batch.tags.length > 0;
  const start = keyed ? (batch.runStartTime ?? (await runStartTime(tx, runId))) : 0;
  await writeParams(tx, runId, batch.params, start);
  await writeMetrics(tx, runId, batch.metrics);
  await writeTags(tx, runId, batch.tags, start);
}
