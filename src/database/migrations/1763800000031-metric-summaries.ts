import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/**
 * Pre-sampled metric histories for charts (src/experiments/history/summary.ts): one blob per
 * (run, key) summarising every stored point up to (upto_step, upto_ts); later points are the
 * history's tail, read from `metrics` and folded in by the write path. No row means "unknown":
 * histories logged before this migration, or written around the store (the importer deletes the
 * rows of what it rewrites), are summarised from the full history when first needed.
 */
export class MetricSummaries1763800000031 implements MigrationInterface {
  name = 'MetricSummaries1763800000031';

  async up(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    // A rowid table (blobs of up to ~5 kB are too wide for sqlite's WITHOUT ROWID), and an index
    // covering the write path's read of where each summary ends (no blob read per batch).
    await d.run([
      `CREATE TABLE metric_summaries (
        run_uuid TEXT NOT NULL,
        key TEXT NOT NULL,
        upto_step BIGINT NOT NULL,
        upto_ts BIGINT NOT NULL,
        data ${d.pg ? 'BYTEA' : 'BLOB'} NOT NULL,
        PRIMARY KEY (run_uuid, key)
      )`,
      'CREATE INDEX metric_summaries_ends ON metric_summaries (run_uuid, key, upto_step, upto_ts)',
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query('DROP TABLE IF EXISTS metric_summaries');
  }
}
