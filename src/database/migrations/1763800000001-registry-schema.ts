import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/**
 * Model registry schema (registered models, versions, tags, aliases).
 *
 * Renames and deletes cascade through foreign keys (`ON UPDATE/DELETE CASCADE`), so a rename
 * is one UPDATE of `registered_models.name` and a model delete is one DELETE. Deleted
 * versions stay as rows with `current_stage = 'Deleted_Internal'` (MLflow's soft delete) so
 * their numbers are never reused. Every text column is TEXT: long sources and names never fail.
 */
export class RegistrySchema1763800000001 implements MigrationInterface {
  name = 'RegistrySchema1763800000001';

  async up(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    await d.run([
      `CREATE TABLE registered_models (
        name TEXT NOT NULL PRIMARY KEY,
        creation_time BIGINT NOT NULL,
        last_updated_time BIGINT NOT NULL,
        description TEXT
      )`,
      `CREATE TABLE registered_model_tags (
        name TEXT NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, key)
      )`,
      d.keyValueIndex('registered_model_tags_key_value', 'registered_model_tags'),
      `CREATE TABLE model_versions (
        name TEXT NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
        version BIGINT NOT NULL,
        creation_time BIGINT NOT NULL,
        last_updated_time BIGINT NOT NULL,
        description TEXT,
        user_id TEXT,
        current_stage TEXT NOT NULL DEFAULT 'None',
        source TEXT NOT NULL,
        storage_location TEXT,
        run_id TEXT,
        run_link TEXT,
        status TEXT NOT NULL DEFAULT 'READY',
        status_message TEXT,
        PRIMARY KEY (name, version)
      )`,
      `CREATE INDEX model_versions_run_id ON model_versions (run_id)`,
      `CREATE INDEX model_versions_updated ON model_versions (last_updated_time)`,
      `CREATE TABLE model_version_tags (
        name TEXT NOT NULL,
        version BIGINT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, version, key),
        FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE ON DELETE CASCADE
      )`,
      d.keyValueIndex('model_version_tags_key_value', 'model_version_tags'),
      `CREATE TABLE registered_model_aliases (
        name TEXT NOT NULL,
        alias TEXT NOT NULL,
        version BIGINT NOT NULL,
        PRIMARY KEY (name, alias),
        FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE ON DELETE CASCADE
      )`,
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of [
      'registered_model_aliases',
      'model_version_tags',
      'model_versions',
      'registered_model_tags',
      'registered_models',
    ]) {
      await qr.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
