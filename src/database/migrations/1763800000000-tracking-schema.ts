import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/**
 * Tracking store schema (experiments, runs, metrics, params, tags, dataset inputs).
 * Hot tables (metrics, latest_metrics, params, tags) carry no foreign keys: runs are only
 * soft-deleted and the service checks the run before writing, so the FK lookups would be
 * pure cost on the log-batch path.
 */
export class TrackingSchema1763800000000 implements MigrationInterface {
  name = 'TrackingSchema1763800000000';

  async up(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    await d.run([
      `CREATE TABLE experiments (
        experiment_id ${d.serialPk},
        name TEXT NOT NULL UNIQUE,
        artifact_location TEXT NOT NULL,
        lifecycle_stage TEXT NOT NULL DEFAULT 'active',
        creation_time BIGINT NOT NULL,
        last_update_time BIGINT NOT NULL
      )`,
      `CREATE TABLE experiment_tags (
        experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (experiment_id, key)
      )`,
      `CREATE TABLE runs (
        seq ${d.serialPk},
        run_uuid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL DEFAULT '',
        experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id),
        user_id TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        start_time BIGINT NOT NULL,
        end_time BIGINT,
        deleted_time BIGINT,
        lifecycle_stage TEXT NOT NULL DEFAULT 'active',
        artifact_uri TEXT NOT NULL
      )`,
      // Serves the default search order (start_time DESC, run_id ASC) without sorting.
      `CREATE INDEX runs_experiment_start ON runs (experiment_id, start_time DESC, run_uuid)`,
      `CREATE TABLE metrics (
        run_uuid TEXT NOT NULL,
        key TEXT NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        is_nan SMALLINT NOT NULL DEFAULT 0,
        timestamp BIGINT NOT NULL,
        step BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)
      )${d.clustered}`,
      `CREATE TABLE latest_metrics (
        run_uuid TEXT NOT NULL,
        key TEXT NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        is_nan SMALLINT NOT NULL DEFAULT 0,
        timestamp BIGINT NOT NULL,
        step BIGINT NOT NULL,
        PRIMARY KEY (run_uuid, key)
      )`,
      `CREATE INDEX latest_metrics_key_value ON latest_metrics (key, value)`,
      `CREATE TABLE params (run_uuid TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_uuid, key))`,
      d.keyValueIndex('params_key_value', 'params'),
      `CREATE TABLE tags (run_uuid TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_uuid, key))`,
      d.keyValueIndex('tags_key_value', 'tags'),
      `CREATE TABLE datasets (
        dataset_id ${d.serialPk},
        experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id),
        name TEXT NOT NULL,
        digest TEXT NOT NULL,
        source_type TEXT NOT NULL,
        source TEXT NOT NULL,
        dataset_schema TEXT,
        profile TEXT,
        UNIQUE (experiment_id, name, digest)
      )`,
      `CREATE TABLE run_inputs (
        run_uuid TEXT NOT NULL,
        dataset_id BIGINT NOT NULL REFERENCES datasets (dataset_id),
        PRIMARY KEY (run_uuid, dataset_id)
      )`,
      `CREATE TABLE input_tags (
        run_uuid TEXT NOT NULL,
        dataset_id BIGINT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_uuid, dataset_id, key)
      )`,
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of [
      'input_tags',
      'run_inputs',
      'datasets',
      'tags',
      'params',
      'latest_metrics',
      'metrics',
      'runs',
      'experiment_tags',
      'experiments',
    ]) {
      await qr.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
