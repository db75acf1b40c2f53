import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/**
 * Metric points are written step-major and read key-major (issue 21: LogMetricBatch500). A
 * training loop logs every key at each new step; in `metrics`, ordered (run, key, step, …), that
 * puts each point of a batch on its own page (one page written per key per request). New points
 * land in `metric_recent` instead, ordered (run, step, key, …), where a batch is contiguous; the
 * store moves a run's recent points into `metrics` in key order once they are many (a page per
 * key per move) or when the run ends (src/experiments/store/metric-history.sql.ts). Readers see
 * both tables.
 *
 * `runs.metrics_max_step` bounds the steps of the run's points in `metrics`: a new point above
 * it cannot be a duplicate of one there, so only points at or below it are looked up. NULL is
 * unknown (runs that had points before this migration, imported runs); new runs start below
 * every step.
 */
export class MetricRecent1763800000035 implements MigrationInterface {
  name = 'MetricRecent1763800000035';

  async up(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    await d.run([
      `CREATE TABLE metric_recent (
        run_uuid TEXT NOT NULL,
        key TEXT NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        is_nan SMALLINT NOT NULL DEFAULT 0,
        timestamp BIGINT NOT NULL,
        step BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (run_uuid, step, key, timestamp, value, is_nan)
      )${d.clustered}`,
      'ALTER TABLE runs ADD COLUMN metrics_max_step BIGINT',
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query(
      'INSERT INTO metrics (run_uuid, key, value, is_nan, timestamp, step) ' +
        'SELECT run_uuid, key, value, is_nan, timestamp, step FROM metric_recent WHERE true ON CONFLICT DO NOTHING',
    );
    await qr.query('DROP TABLE IF EXISTS metric_recent');
    await qr.query('ALTER TABLE runs DROP COLUMN metrics_max_step');
  }
}
