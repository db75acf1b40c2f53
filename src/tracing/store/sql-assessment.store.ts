import { Injectable } from '@nestjs/common';
import { Db, type SqlRunner } from '../../database/db';
import { inList, listParam } from '../../database/sql-dialect';
import { groupBy } from '../../database/sql-helpers';
import { AssessmentStore } from '../assessment.store';
import type { Assessment, AssessmentKind } from '../assessments.types';

interface AssessmentRow {
  assessment_id: string;
  trace_id: string;
  name: string;
  kind: string;
  value: string;
  span_id: string | null;
  source_type: string | null;
  source_id: string | null;
  rationale: string | null;
  metadata: string | null;
  overrides: string | null;
  valid: number | string;
  create_time_ms: number | string;
  last_update_time_ms: number | string;
}

const COLUMNS =
  'assessment_id, trace_id, name, kind, value, span_id, source_type, source_id, rationale, metadata, overrides, ' +
  'valid, create_time_ms, last_update_time_ms';

function toRow(a: Assessment): unknown[] {
  return [
    a.assessmentId,
    a.traceId,
    a.name,
    a.kind,
    JSON.stringify(a.value),
    a.spanId ?? null,
    a.source?.sourceType ?? null,
    a.source?.sourceId ?? null,
    a.rationale ?? null,
    Object.keys(a.metadata).length > 0 ? JSON.stringify(a.metadata) : null,
    a.overrides ?? null,
    a.valid ? 1 : 0,
    a.createTimeMs,
    a.lastUpdateTimeMs,
  ];
}

function fromRow(r: AssessmentRow): Assessment {
  return {
    assessmentId: r.assessment_id,
    traceId: r.trace_id,
    name: r.name,
    kind: r.kind as AssessmentKind,
    value: JSON.parse(r.value) as Record<string, unknown>,
    spanId: r.span_id ?? undefined,
    source: r.source_type === null ? undefined : { sourceType: r.source_type, sourceId: r.source_id ?? undefined },
    rationale: r.rationale ?? undefined,
    metadata: r.metadata === null ? {} : (JSON.parse(r.metadata) as Record<string, string>),
    overrides: r.overrides ?? undefined,
    valid: Number(r.valid) === 1,
    createTimeMs: Number(r.create_time_ms),
    lastUpdateTimeMs: Number(r.last_update_time_ms),
  };
}

const setValid = (tx: SqlRunner, traceId: string, assessmentId: string, valid: boolean) =>
  tx.query('UPDATE trace_assessments SET valid = ?, last_update_time_ms = ? WHERE trace_id = ? AND assessment_id = ?', [
    valid ? 1 : 0,
    Date.now(),
    traceId,
    assessmentId,
  ]);

/** The SQL AssessmentStore for sqlite and Postgres. */
@Injectable()
export class SqlAssessmentStore extends AssessmentStore {
  constructor(private readonly db: Db) {
    super();
  }

  async create(a: Assessment): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (a.overrides) await setValid(tx, a.traceId, a.overrides, false);
      await tx.query(
        `INSERT INTO trace_assessments (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        toRow(a),
      );
    });
  }

  async get(traceId: string, assessmentId: string): Promise<Assessment | undefined> {
    const [row] = await this.db.query<AssessmentRow>(
      `SELECT ${COLUMNS} FROM trace_assessments WHERE trace_id = ? AND assessment_id = ?`,
      [traceId, assessmentId],
    );
    return row ? fromRow(row) : undefined;
  }

  async save(a: Assessment): Promise<void> {
    const [, , ...fields] = toRow(a);
    await this.db.query(
      `UPDATE trace_assessments SET name = ?, kind = ?, value = ?, span_id = ?, source_type = ?, source_id = ?,
         rationale = ?, metadata = ?, overrides = ?, valid = ?, create_time_ms = ?, last_update_time_ms = ?
       WHERE trace_id = ? AND assessment_id = ?`,
      [...fields, a.traceId, a.assessmentId],
    );
  }

  async delete(traceId: string, assessmentId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ overrides: string | null }>(
        'SELECT overrides FROM trace_assessments WHERE trace_id = ? AND assessment_id = ?',
        [traceId, assessmentId],
      );
      if (!row) return;
      await tx.query('DELETE FROM trace_assessments WHERE trace_id = ? AND assessment_id = ?', [traceId, assessmentId]);
      if (row.overrides) await setValid(tx, traceId, row.overrides, true);
    });
  }

  async listFor(traceIds: string[]): Promise<Map<string, Assessment[]>> {
    if (traceIds.length === 0) return new Map();
    const d = this.db.dialect;
    const rows = await this.db.query<AssessmentRow>(
      `SELECT ${COLUMNS} FROM trace_assessments WHERE ${inList(d, 'trace_id')}
       ORDER BY trace_id, create_time_ms, assessment_id`,
      [listParam(d, traceIds)],
    );
    const out = new Map<string, Assessment[]>();
    for (const [id, list] of groupBy(rows, (r) => r.trace_id)) out.set(id, list.map(fromRow));
    return out;
  }
}
