import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What `tsflow import` has carried over from each source, with a fingerprint of the object as it
 * was read: a second import skips what did not change, an interrupted one resumes after the last
 * object it finished.
 */
export class ImportState1763800000030 implements MigrationInterface {
  name = 'ImportState1763800000030';

  async up(qr: QueryRunner): Promise<void> {
    await qr.query(`CREATE TABLE import_state (
      source TEXT NOT NULL,
      kind TEXT NOT NULL,
      object_id TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      imported_at BIGINT NOT NULL,
      PRIMARY KEY (source, kind, object_id)
    )`);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query('DROP TABLE IF EXISTS import_state');
  }
}
