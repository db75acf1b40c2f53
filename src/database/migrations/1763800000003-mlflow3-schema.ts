import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/**
 * MLflow 3 entities: logged models (with tags, params and linked metric points), run outputs
 * and model inputs (run ↔ logged model links), and traces (info, metadata, tags, spans, run
 * links). Like the tracking schema, the hot tables carry no foreign keys: services check the
 * parent before writing.
 */
export class Mlflow3Schema1763800000003 implements MigrationInterface {
  name = 'Mlflow3Schema1763800000003';

  async up(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    await d.run([
      `CREATE TABLE logged_models (
        model_id TEXT NOT NULL PRIMARY KEY,
        experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id),
        name TEXT NOT NULL,
        artifact_location TEXT NOT NULL,
        creation_timestamp_ms BIGINT NOT NULL,
        last_updated_timestamp_ms BIGINT NOT NULL,
        status TEXT NOT NULL,
        model_type TEXT NOT NULL DEFAULT '',
        source_run_id TEXT NOT NULL DEFAULT '',
        lifecycle_stage TEXT NOT NULL DEFAULT 'active'
      )`,
      // Serves the default search order (newest first) per experiment.
      `CREATE INDEX logged_models_experiment ON logged_models (experiment_id, creation_timestamp_ms DESC, model_id)`,
      `CREATE INDEX logged_models_source_run ON logged_models (source_run_id)`,
      `CREATE TABLE logged_model_tags (
        model_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (model_id, key)
      )`,
      `CREATE TABLE logged_model_params (
        model_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (model_id, key)
      )`,
      `CREATE TABLE logged_model_metrics (
        model_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        is_nan SMALLINT NOT NULL DEFAULT 0,
        timestamp BIGINT NOT NULL,
        step BIGINT NOT NULL,
        run_id TEXT NOT NULL,
        dataset_name TEXT NOT NULL DEFAULT '',
        dataset_digest TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (model_id, key, timestamp, step, run_id)
      )${d.clustered}`,
      `CREATE TABLE run_outputs (
        run_uuid TEXT NOT NULL, model_id TEXT NOT NULL, step BIGINT NOT NULL, PRIMARY KEY (run_uuid, model_id, step)
      )`,
      `CREATE TABLE run_model_inputs (run_uuid TEXT NOT NULL, model_id TEXT NOT NULL, PRIMARY KEY (run_uuid, model_id))`,
      `CREATE TABLE traces (
        trace_id TEXT NOT NULL PRIMARY KEY,
        experiment_id BIGINT NOT NULL,
        client_request_id TEXT,
        request_time_ms BIGINT NOT NULL,
        execution_duration_ms BIGINT,
        state TEXT NOT NULL,
        request_preview TEXT,
        response_preview TEXT
      )`,
      `CREATE INDEX traces_experiment_time ON traces (experiment_id, request_time_ms DESC, trace_id)`,
      `CREATE TABLE trace_metadata (trace_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (trace_id, key))`,
      `CREATE TABLE trace_tags (trace_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (trace_id, key))`,
      // One OTLP span as received (proto3 JSON, snake_case); start time in ns as 19-digit text for ordering.
      `CREATE TABLE trace_spans (
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        is_root SMALLINT NOT NULL,
        start_ns TEXT NOT NULL,
        content TEXT NOT NULL,
        PRIMARY KEY (trace_id, span_id)
      )`,
      `CREATE TABLE trace_run_links (trace_id TEXT NOT NULL, run_id TEXT NOT NULL, PRIMARY KEY (trace_id, run_id))`,
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of [
      'trace_run_links',
      'trace_spans',
      'trace_tags',
      'trace_metadata',
      'traces',
      'run_model_inputs',
      'run_outputs',
      'logged_model_metrics',
      'logged_model_params',
      'logged_model_tags',
      'logged_models',
    ]) {
      await qr.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
