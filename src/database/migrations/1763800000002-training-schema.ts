import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/**
 * Training: job records (the source of truth for job status, so it survives a Redis restart)
 * and the per-ticker daily price cache refreshed incrementally from Yahoo.
 */
export class TrainingSchema1763800000002 implements MigrationInterface {
  name = 'TrainingSchema1763800000002';

  async up(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    await d.run([
      `CREATE TABLE training_jobs (
        job_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        parent_id TEXT,
        state TEXT NOT NULL,
        progress DOUBLE PRECISION NOT NULL DEFAULT 0,
        spec TEXT NOT NULL,
        run_id TEXT,
        result TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE INDEX training_jobs_parent ON training_jobs (parent_id)`,
      `CREATE INDEX training_jobs_kind_created ON training_jobs (kind, created_at)`,
      `CREATE TABLE price_bars (
        ticker TEXT NOT NULL,
        source TEXT NOT NULL,
        date TEXT NOT NULL,
        open DOUBLE PRECISION,
        high DOUBLE PRECISION,
        low DOUBLE PRECISION,
        close DOUBLE PRECISION,
        adj_close DOUBLE PRECISION,
        volume DOUBLE PRECISION,
        PRIMARY KEY (ticker, source, date)
      )`,
      `CREATE TABLE price_series (
        ticker TEXT NOT NULL,
        source TEXT NOT NULL,
        first_date TEXT NOT NULL,
        last_date TEXT NOT NULL,
        fetched_at BIGINT NOT NULL,
        PRIMARY KEY (ticker, source)
      )`,
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['price_series', 'price_bars', 'training_jobs']) await qr.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
