import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/**
 * sqlite: params and tags stored in their primary-key b-tree (WITHOUT ROWID), as metrics
 * already are. A logged param then writes two b-trees (the rows, clustered by run, and the
 * ordering index) instead of three (rowid table, primary-key index, ordering index): a batch
 * of 100 params touches fewer pages at commit. Postgres keeps its heap tables.
 */
export class ClusteredParamsTags1763800000033 implements MigrationInterface {
  name = 'ClusteredParamsTags1763800000033';

  async up(qr: QueryRunner): Promise<void> {
    await this.rebuild(qr, ' WITHOUT ROWID');
  }

  async down(qr: QueryRunner): Promise<void> {
    await this.rebuild(qr, '');
  }

  private async rebuild(qr: QueryRunner, clustered: string): Promise<void> {
    const d = ddl(qr);
    if (d.pg) return;
    for (const table of ['params', 'tags'])
      await d.run([
        `CREATE TABLE ${table}_rebuilt (run_uuid TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_uuid, key))${clustered}`,
        `INSERT INTO ${table}_rebuilt (run_uuid, key, value) SELECT run_uuid, key, value FROM ${table}`,
        `DROP TABLE ${table}`,
        `ALTER TABLE ${table}_rebuilt RENAME TO ${table}`,
        `CREATE INDEX ${table}_key_order ON ${table} (key, value, run_uuid)`,
      ]);
  }
}
