import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/**
 * Params and tags carry their run's start_time (issue 21), so the order index hands out a
 * value's tie group in MLflow's tie order (start_time DESC, run_uuid ASC): a search ordered by
 * a param or a tag with few distinct values reads its page from the index instead of sorting a
 * tie group of a tenth of the runs. A run's start_time never changes after CreateRun (UpdateRun
 * cannot set it, the importer's upsert keeps it), so the copy stays true; every write of a
 * param or a tag fills it (NOT NULL makes a forgotten path fail loudly).
 *
 * Both tables are rebuilt with the column filled from `runs` (one bulk copy and one index
 * build instead of updating every row in place: no bloat, no per-row index maintenance).
 * Postgres also indexes which keys have values longer than the indexed prefix: only those
 * order by more than the prefix, so their searches keep the sorted plan.
 */
export class ParamsTagsStartTime1763800000034 implements MigrationInterface {
  name = 'ParamsTagsStartTime1763800000034';

  async up(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    if (d.pg) await qr.query("SET LOCAL maintenance_work_mem = '256MB'");
    for (const table of ['params', 'tags'])
      await d.run([
        `CREATE TABLE ${table}_rebuilt (run_uuid TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, ` +
          `start_time BIGINT NOT NULL${d.pg ? '' : ', PRIMARY KEY (run_uuid, key)'})${d.clustered}`,
        // A row of a run that no longer exists is never searched; 0 keeps it (and NOT NULL) anyway.
        `INSERT INTO ${table}_rebuilt (run_uuid, key, value, start_time) ` +
          `SELECT p.run_uuid, p.key, p.value, COALESCE(r.start_time, 0) FROM ${table} p LEFT JOIN runs r ON r.run_uuid = p.run_uuid`,
        `DROP TABLE ${table}`,
        `ALTER TABLE ${table}_rebuilt RENAME TO ${table}`,
        ...(d.pg
          ? [
              `ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (run_uuid, key)`,
              `CREATE INDEX ${table}_key_order ON ${table} (key, (left(value, 200)) COLLATE "C", start_time DESC, run_uuid)`,
              `CREATE INDEX ${table}_key_long ON ${table} (key) WHERE length(value) > 200`,
              `ANALYZE ${table}`,
            ]
          : [`CREATE INDEX ${table}_key_order ON ${table} (key, value, start_time DESC, run_uuid)`]),
      ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    for (const table of ['params', 'tags'])
      await d.run([
        `DROP INDEX IF EXISTS ${table}_key_order`,
        `DROP INDEX IF EXISTS ${table}_key_long`,
        `ALTER TABLE ${table} DROP COLUMN start_time`,
        d.pg
          ? `CREATE INDEX ${table}_key_order ON ${table} (key, (left(value, 200)) COLLATE "C", run_uuid)`
          : `CREATE INDEX ${table}_key_order ON ${table} (key, value, run_uuid)`,
      ]);
  }
}
