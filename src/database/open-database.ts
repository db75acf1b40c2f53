import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from 'better-sqlite3';
import { types as pgTypes } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { Db, PostgresDb, SqliteDb } from './db';
import { MIGRATIONS } from './migrations';
import { BACKSTOP_PAGES, WalCheckpointer } from './wal-checkpointer';

// int8 (BIGINT, COUNT) as JS numbers: ids, timestamps and steps stay below 2^53.
pgTypes.setTypeParser(20, (v: string) => Number(v));

const MIGRATION_LOCK = 7_263_001;

export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const common = { migrations: MIGRATIONS, entities: [], synchronize: false, logging: false };
  if (config.type === 'postgres') {
    return { ...common, type: 'postgres', url: config.url, extra: { max: 10 } };
  }
  const memory = config.path === ':memory:';
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.path,
    enableWAL: !memory,
    timeout: 10_000,
    prepareDatabase: (db: Database) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 10000');
      // Checkpoint every ~40 MB of WAL instead of 4 MB: log-batch rewrites the same index pages,
      // and fewer, larger checkpoints copy each page once (about 20% less CPU per batch here).
      db.pragma('wal_autocheckpoint = 10000');
      // Page cache of up to 128 MB (default 2 MB): a search page at 100k runs touches thousands of index
      // pages, and re-reading each from the OS cost more CPU in pread than the query itself (25 -> 13 ms).
      db.pragma('cache_size = -131072');
      // Statement and savepoint journals in memory. Every write here runs in a savepoint (group
      // commit) and a multi-row insert may need undoing: sqlite copies each page it changes to
      // that journal, which spills past 64 KB to a temporary file, so a 100-param batch wrote
      // ~200 pages twice, and truncated the file after each statement. In memory it is a copy
      // (a 100-param batch: 6.5 -> 4.4 ms in a replay of the bench's writes).
      db.pragma('temp_store = MEMORY');
    },
  };
}

async function migrate(ds: DataSource, pg: boolean): Promise<void> {
  if (!pg) {
    await ds.runMigrations({ transaction: 'all' });
    return;
  }
  // Several processes (API replicas, workers) may boot at once against one Postgres.
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await ds.runMigrations({ transaction: 'all' });
  } finally {
    await qr.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await qr.release();
  }
}

/** Connect, run pending migrations, and wrap the connection as the stores' Db. */
export async function openDatabase(config: DatabaseConfig): Promise<Db> {
  if (config.type === 'sqlite' && config.path !== ':memory:') {
    fs.mkdirSync(path.dirname(config.path), { recursive: true });
  }
  const ds = new DataSource(dataSourceOptions(config));
  await ds.initialize();
  try {
    await migrate(ds, config.type === 'postgres');
  } catch (err) {
    await ds.destroy();
    throw err;
  }
  if (config.type === 'postgres') return new PostgresDb(ds);
  const sqlite = (ds.driver as unknown as { databaseConnection: Database }).databaseConnection;
  if (config.path === ':memory:') return new SqliteDb(ds, sqlite);
  // Checkpoints move to a worker thread; the connection's own autocheckpoint stays as a backstop.
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  return new SqliteDb(ds, sqlite, new WalCheckpointer(config.path));
}
