import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/**
 * Monitors of registered models and the history of their checks. `(monitor_id, tick)` is
 * unique: a scheduled tick is claimed by inserting its check row, so however many replicas
 * fire the same tick, one check runs.
 */
export class MonitorsSchema1763800000004 implements MigrationInterface {
  name = 'MonitorsSchema1763800000004';

  async up(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    await d.run([
      `CREATE TABLE monitors (
        monitor_id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        model_name TEXT NOT NULL,
        config TEXT NOT NULL,
        paused INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE monitor_checks (
        check_id TEXT PRIMARY KEY,
        monitor_id TEXT NOT NULL REFERENCES monitors (monitor_id) ON DELETE CASCADE,
        tick TEXT NOT NULL,
        triggered_by TEXT NOT NULL,
        status TEXT NOT NULL,
        as_of TEXT,
        decision TEXT,
        report TEXT,
        error TEXT,
        retrain_job_id TEXT,
        started_at BIGINT NOT NULL,
        finished_at BIGINT,
        UNIQUE (monitor_id, tick)
      )`,
      `CREATE INDEX monitor_checks_started ON monitor_checks (monitor_id, started_at)`,
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['monitor_checks', 'monitors']) await qr.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
