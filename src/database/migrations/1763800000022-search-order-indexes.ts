import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/**
 * Indexes that hand out runs in the order of a latest metric, a param or a tag, so an ordered
 * search walks one index for its page instead of sorting every run (issue 21). Each ends with
 * run_uuid, so the walk reads no table row before the join to `runs`; they also serve the
 * `key = ? AND value <op> ?` filters the old (key, value) indexes served.
 *
 * Postgres cannot put a long TEXT value in a btree entry (2.7 kB), so params and tags are
 * indexed on the first 200 characters (ORDER_PREFIX_CHARS in run-search.sql.ts): byte order of the prefix is consistent with byte order
 * of the whole value, and the search orders by the prefix first, then the value.
 */
export class SearchOrderIndexes1763800000022 implements MigrationInterface {
  name = 'SearchOrderIndexes1763800000022';

  async up(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    const text = (table: string) =>
      d.pg
        ? `CREATE INDEX ${table}_key_order ON ${table} (key, (left(value, 200)) COLLATE "C", run_uuid)`
        : `CREATE INDEX ${table}_key_order ON ${table} (key, value, run_uuid)`;
    await d.run([
      'DROP INDEX IF EXISTS latest_metrics_key_value',
      'CREATE INDEX latest_metrics_key_order ON latest_metrics (key, is_nan, value, run_uuid)',
      'DROP INDEX IF EXISTS params_key_value',
      text('params'),
      'DROP INDEX IF EXISTS tags_key_value',
      text('tags'),
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    await d.run([
      'DROP INDEX IF EXISTS latest_metrics_key_order',
      'CREATE INDEX latest_metrics_key_value ON latest_metrics (key, value)',
      'DROP INDEX IF EXISTS params_key_order',
      d.keyValueIndex('params_key_value', 'params'),
      'DROP INDEX IF EXISTS tags_key_order',
      d.keyValueIndex('tags_key_value', 'tags'),
    ]);
  }
}
