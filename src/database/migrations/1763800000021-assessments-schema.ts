import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/**
 * MLflow 3 assessments (feedback and expectations on a trace). The value (the `feedback` or
 * `expectation` message) and the metadata are kept as JSON text, as MLflow's own store does;
 * `overrides` links a newer assessment to the one it superseded (which gets `valid = 0`).
 */
export class AssessmentsSchema1763800000021 implements MigrationInterface {
  name = 'AssessmentsSchema1763800000021';

  async up(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    await d.run([
      `CREATE TABLE trace_assessments (
        assessment_id TEXT NOT NULL PRIMARY KEY,
        trace_id TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        span_id TEXT,
        source_type TEXT,
        source_id TEXT,
        rationale TEXT,
        metadata TEXT,
        overrides TEXT,
        valid SMALLINT NOT NULL DEFAULT 1,
        create_time_ms BIGINT NOT NULL,
        last_update_time_ms BIGINT NOT NULL
      )`,
      `CREATE INDEX trace_assessments_trace ON trace_assessments (trace_id, create_time_ms)`,
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query('DROP TABLE IF EXISTS trace_assessments');
  }
}
