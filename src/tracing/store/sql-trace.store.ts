import { Injectable } from '@nestjs/common';
import { Db, type SqlRunner } from '../../database/db';
import { inList, insertRows, listParam } from '../../database/sql-dialect';
import { groupBy } from '../../database/sql-helpers';
import { AssessmentStore } from '../assessment.store';
import { TraceStore } from '../trace.store';
import type { DeleteTracesQuery, StoredSpan, TraceInfo, TraceSearchQuery, TraceState } from '../tracing.types';
import { buildTraceSearch, TRACE_COLUMNS } from './trace-search.sql';

interface TraceRow {
  trace_id: string;
  experiment_id: number | string;
  client_request_id: string | null;
  request_time_ms: number;
  execution_duration_ms: number | null;
  state: string;
  request_preview: string | null;
  response_preview: string | null;
}

type KvRow = { trace_id: string; key: string; value: string };

const TABLES = ['trace_assessments', 'trace_metadata', 'trace_tags', 'trace_spans', 'trace_run_links', 'traces'];

async function upsertMap(tx: SqlRunner, table: string, traceId: string, map: Record<string, string>): Promise<void> {
  await insertRows(
    tx,
    `INSERT INTO ${table} (trace_id, key, value)`,
    3,
    Object.entries(map).map(([k, v]) => [traceId, k, v]),
    'ON CONFLICT (trace_id, key) DO UPDATE SET value = excluded.value',
  );
}

/** The SQL TraceStore for sqlite and Postgres. */
@Injectable()
export class SqlTraceStore extends TraceStore {
  constructor(
    private readonly db: Db,
    private readonly assessments: AssessmentStore,
  ) {
    super();
  }

  async saveTrace(info: TraceInfo, spans: StoredSpan[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO traces (trace_id, experiment_id, client_request_id, request_time_ms, execution_duration_ms, state,
           request_preview, response_preview) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (trace_id) DO UPDATE SET experiment_id = excluded.experiment_id,
           client_request_id = excluded.client_request_id, request_time_ms = excluded.request_time_ms,
           execution_duration_ms = excluded.execution_duration_ms, state = excluded.state,
           request_preview = excluded.request_preview, response_preview = excluded.response_preview`,
        [
          info.traceId,
          Number(info.experimentId),
          info.clientRequestId ?? null,
          info.requestTimeMs,
          info.executionDurationMs ?? null,
          info.state,
          info.requestPreview ?? null,
          info.responsePreview ?? null,
        ],
      );
      await upsertMap(tx, 'trace_metadata', info.traceId, info.metadata);
      await upsertMap(tx, 'trace_tags', info.traceId, info.tags);
      await insertRows(
        tx,
        'INSERT INTO trace_spans (trace_id, span_id, is_root, start_ns, content)',
        5,
        spans.map((s) => [info.traceId, s.spanId, s.isRoot ? 1 : 0, s.startNs, JSON.stringify(s.content)]),
        'ON CONFLICT (trace_id, span_id) DO UPDATE SET is_root = excluded.is_root, start_ns = excluded.start_ns, ' +
          'content = excluded.content',
      );
    });
  }

  private async infos(rows: TraceRow[]): Promise<TraceInfo[]> {
    if (rows.length === 0) return [];
    const d = this.db.dialect;
    const ids = listParam(
      d,
      rows.map((r) => r.trace_id),
    );
    const where = inList(d, 'trace_id');
    const meta = groupBy(
      await this.db.query<KvRow>(`SELECT trace_id, key, value FROM trace_metadata WHERE ${where}`, [ids]),
      (r) => r.trace_id,
    );
    const tags = groupBy(
      await this.db.query<KvRow>(`SELECT trace_id, key, value FROM trace_tags WHERE ${where}`, [ids]),
      (r) => r.trace_id,
    );
    const assessments = await this.assessments.listFor(rows.map((r) => r.trace_id));
    const map = (list: KvRow[] | undefined) => Object.fromEntries((list ?? []).map((r) => [r.key, r.value]));
    return rows.map((r) => ({
      traceId: r.trace_id,
      experimentId: String(r.experiment_id),
      clientRequestId: r.client_request_id ?? undefined,
      requestTimeMs: Number(r.request_time_ms),
      executionDurationMs: r.execution_duration_ms === null ? undefined : Number(r.execution_duration_ms),
      state: r.state as TraceState,
      requestPreview: r.request_preview ?? undefined,
      responsePreview: r.response_preview ?? undefined,
      metadata: map(meta.get(r.trace_id)),
      tags: map(tags.get(r.trace_id)),
      assessments: assessments.get(r.trace_id) ?? [],
    }));
  }

  async getTraceInfos(traceIds: string[]): Promise<TraceInfo[]> {
    if (traceIds.length === 0) return [];
    const d = this.db.dialect;
    const rows = await this.db.query<TraceRow>(
      `SELECT ${TRACE_COLUMNS} FROM traces t WHERE ${inList(d, 't.trace_id')}`,
      [listParam(d, traceIds)],
    );
    const byId = new Map((await this.infos(rows)).map((i) => [i.traceId, i]));
    return traceIds.map((id) => byId.get(id)).filter((i): i is TraceInfo => !!i);
  }

  async getSpans(traceIds: string[]): Promise<Map<string, StoredSpan[]>> {
    if (traceIds.length === 0) return new Map();
    const d = this.db.dialect;
    const rows = await this.db.query<{
      trace_id: string;
      span_id: string;
      is_root: number;
      start_ns: string;
      content: string;
    }>(
      `SELECT trace_id, span_id, is_root, start_ns, content FROM trace_spans WHERE ${inList(d, 'trace_id')}
       ORDER BY trace_id, is_root DESC, start_ns, span_id`,
      [listParam(d, traceIds)],
    );
    const out = new Map<string, StoredSpan[]>();
    for (const [id, list] of groupBy(rows, (r) => r.trace_id)) {
      out.set(
        id,
        list.map((r) => ({
          spanId: r.span_id,
          isRoot: Number(r.is_root) === 1,
          startNs: r.start_ns,
          content: JSON.parse(r.content),
        })),
      );
    }
    return out;
  }

  async searchTraces(query: TraceSearchQuery): Promise<{ items: TraceInfo[]; hasMore: boolean }> {
    const { sql, params } = buildTraceSearch(this.db.dialect, query);
    const rows = await this.db.query<TraceRow>(sql, params);
    return { items: await this.infos(rows.slice(0, query.maxResults)), hasMore: rows.length > query.maxResults };
  }

  async deleteTraces(q: DeleteTracesQuery): Promise<number> {
    return this.db.transaction(async (tx) => {
      const d = tx.dialect;
      const rows = q.traceIds
        ? await tx.query<{ trace_id: string }>(
            `SELECT trace_id FROM traces WHERE experiment_id = ? AND ${inList(d, 'trace_id')}`,
            [Number(q.experimentId), listParam(d, q.traceIds)],
          )
        : await tx.query<{ trace_id: string }>(
            `SELECT trace_id FROM traces WHERE experiment_id = ? AND request_time_ms <= ?
             ORDER BY request_time_ms, trace_id LIMIT ?`,
            [Number(q.experimentId), q.maxTimestampMs ?? 0, q.maxTraces ?? 2 ** 31 - 1],
          );
      if (rows.length === 0) return 0;
      const ids = listParam(
        d,
        rows.map((r) => r.trace_id),
      );
      for (const table of TABLES) await tx.query(`DELETE FROM ${table} WHERE ${inList(d, 'trace_id')}`, [ids]);
      return rows.length;
    });
  }

  async setTraceTag(traceId: string, key: string, value: string): Promise<void> {
    await this.db.transaction((tx) => upsertMap(tx, 'trace_tags', traceId, { [key]: value }));
  }

  deleteTraceTag(traceId: string, key: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const found = await tx.query('SELECT 1 AS x FROM trace_tags WHERE trace_id = ? AND key = ?', [traceId, key]);
      await tx.query('DELETE FROM trace_tags WHERE trace_id = ? AND key = ?', [traceId, key]);
      return found.length > 0;
    });
  }

  async linkTracesToRun(traceIds: string[], runId: string): Promise<void> {
    await this.db.transaction((tx) =>
      insertRows(
        tx,
        'INSERT INTO trace_run_links (trace_id, run_id)',
        2,
        traceIds.map((id) => [id, runId]),
        'ON CONFLICT DO NOTHING',
      ),
    );
  }
}
