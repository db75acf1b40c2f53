import type { Database, Statement } from 'better-sqlite3';
import type { DataSource, QueryRunner } from 'typeorm';
import type { WalCheckpointer } from './wal-checkpointer';

export type Dialect = 'sqlite' | 'postgres';
export type Row = Record<string, unknown>;

/** What store code needs of a connection: parameterised SQL with `?` placeholders. */
export interface SqlRunner {
  readonly dialect: Dialect;
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Rows as arrays in column order (sqlite: better-sqlite3's raw mode, about 2x faster than objects): hot reads. */
  queryArrays?(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /** A write statement: the number of rows it inserted, updated or deleted. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs one statement once per parameter row (sqlite: a synchronous loop over one prepared statement); rows changed. */
  runMany?(sql: string, rows: readonly unknown[][]): Promise<number>;
}

/**
 * The stores' view of the database: `?`-placeholder SQL that runs unchanged on sqlite and
 * Postgres, plus transactions. Built on TypeORM's connection (migrations, pooling, driver
 * options) but bypassing its query builder on hot paths.
 */
export abstract class Db implements SqlRunner {
  abstract readonly dialect: Dialect;
  abstract query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  abstract run(sql: string, params?: readonly unknown[]): Promise<number>;
  queryArrays?(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  abstract transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;
}

/** better-sqlite3 values: no booleans, no undefined. */
function bindable(params: readonly unknown[]): readonly unknown[] {
  for (const p of params)
    if (p === undefined || typeof p === 'boolean')
      return params.map((v) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v));
  return params;
}

/** A transaction waiting for the writer (see `SqliteDb.commitGroup`). */
interface PendingTx {
  fn: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Transactions committed together at most (bounds the wait of the first one of a group). */
const MAX_GROUP = 32;
/** How long a group may keep taking newcomers before it commits. */
const GROUP_WINDOW_MS = 4;

/**
 * sqlite through better-sqlite3's synchronous API with a statement cache. One writer at a
 * time: every statement and transaction goes through a FIFO lock, so concurrent requests
 * never interleave inside another request's transaction and never see "database is locked"
 * from this process (other processes are covered by the busy timeout and BEGIN IMMEDIATE).
 */
export class SqliteDb extends Db {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  private tail: Promise<unknown> = Promise.resolve();
  private readonly pending: PendingTx[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly sqlite: Database,
    private readonly checkpointer?: WalCheckpointer,
  ) {
    super();
  }

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      if (this.statements.size > 2000) this.statements.clear();
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private exec<T>(sql: string, params: readonly unknown[]): T[] {
    const stmt = this.prepare(sql);
    const args = bindable(params);
    // An array binds its elements (no spread of a long parameter list).
    if (stmt.reader) return stmt.all(args) as T[];
    stmt.run(args);
    this.checkpointer?.wrote();
    return [];
  }

  private locked<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private change(sql: string, params: readonly unknown[]): number {
    this.checkpointer?.wrote();
    return this.prepare(sql).run(bindable(params)).changes;
  }

  query<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.locked(() => this.exec<T>(sql, params));
  }

  run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.locked(() => this.change(sql, params));
  }

  override queryArrays(sql: string, params: readonly unknown[] = []): Promise<unknown[][]> {
    // Its own cache entry: raw mode is a property of the prepared statement.
    return this.locked(() => this.prepare(`${sql} -- rows as arrays`).raw(true).all(bindable(params)) as unknown[][]);
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const runner: SqlRunner = {
      dialect: 'sqlite',
      query: async <R>(sql: string, params: readonly unknown[] = []) => this.exec<R>(sql, params),
      run: async (sql: string, params: readonly unknown[] = []) => this.change(sql, params),
      runMany: async (sql: string, rows: readonly unknown[][]) => {
        const stmt = this.prepare(sql);
        this.checkpointer?.wrote();
        let changes = 0;
        for (const row of rows) changes += stmt.run(bindable(row)).changes;
        return changes;
      },
    };
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn: () => fn(runner), resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.length === 1) this.scheduleGroup();
    });
  }

  /** Queues a group behind the writer lock (a group that finds nothing pending ends at once). */
  private scheduleGroup(): void {
    void this.locked(() => this.commitGroup());
  }

  /**
   * Group commit: the transactions waiting for the writer run one after another inside one
   * BEGIN … COMMIT, each in its own savepoint (a failing one is rolled back alone and rejects
   * alone), and every caller is answered once the group has committed. Under concurrent
   * writes the commit's page writes are shared by the group instead of paid per request.
   */
  private async commitGroup(): Promise<void> {
    if (this.pending.length === 0) return;
    const settled: (() => void)[] = [];
    const taken: PendingTx[] = [];
    try {
      this.exec('BEGIN IMMEDIATE', []);
    } catch (err) {
      // Another process holds the write lock past the busy timeout: this group fails as one transaction did.
      for (const tx of this.pending.splice(0, MAX_GROUP)) tx.reject(err);
      if (this.pending.length > 0) this.scheduleGroup();
      return;
    }
    const started = performance.now();
    try {
      while (taken.length < MAX_GROUP) {
        if (this.pending.length === 0) {
          // Let requests that arrived meanwhile join before committing (one turn of the event loop).
          if (performance.now() - started > GROUP_WINDOW_MS) break;
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (this.pending.length === 0) break;
        }
        const tx = this.pending.shift()!;
        taken.push(tx);
        this.exec('SAVEPOINT tx', []);
        try {
          const result = await tx.fn();
          this.exec('RELEASE tx', []);
          settled.push(() => tx.resolve(result));
        } catch (err) {
          // An error sqlite answers by rolling back the whole transaction (disk full, I/O) loses the group.
          if (!this.sqlite.inTransaction) throw err;
          this.exec('ROLLBACK TO tx', []);
          this.exec('RELEASE tx', []);
          settled.push(() => tx.reject(err));
        }
      }
      this.exec('COMMIT', []);
    } catch (err) {
      if (this.sqlite.inTransaction) this.exec('ROLLBACK', []);
      // Nothing of the group was written: every transaction of it fails with the commit's error.
      settled.length = 0;
      for (const tx of taken) tx.reject(err);
    } finally {
      if (this.pending.length > 0) this.scheduleGroup();
    }
    for (const s of settled) s();
  }

  async close(): Promise<void> {
    await this.tail;
    await this.checkpointer?.stop();
    this.statements.clear();
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

const pgSqlCache = new Map<string, string>();

/** `?` placeholders to `$1..$n` (store SQL never has `?` inside literals). */
export function toPgPlaceholders(sql: string): string {
  let out = pgSqlCache.get(sql);
  if (out === undefined) {
    let i = 0;
    out = sql.replace(/\?/g, () => `$${++i}`);
    pgSqlCache.set(sql, out);
  }
  return out;
}

/**
 * Always the result rows: TypeORM's plain `query()` answers UPDATE/DELETE ... RETURNING with
 * `[rows, rowCount]` on Postgres, its structured result does not.
 */
async function rows<T>(qr: QueryRunner, sql: string, params: readonly unknown[]): Promise<T[]> {
  const result = await qr.query(toPgPlaceholders(sql), [...params], true);
  return (result.records ?? []) as T[];
}

/** Rows a write changed (pg's rowCount). */
async function changed(qr: QueryRunner, sql: string, params: readonly unknown[]): Promise<number> {
  const result = await qr.query(toPgPlaceholders(sql), [...params], true);
  return Number(result.affected ?? 0);
}

export class PostgresDb extends Db {
  readonly dialect = 'postgres' as const;

  constructor(private readonly ds: DataSource) {
    super();
  }

  async query<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const qr = this.ds.createQueryRunner();
    try {
      return await rows<T>(qr, sql, params);
    } finally {
      await qr.release();
    }
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    const qr = this.ds.createQueryRunner();
    try {
      return await changed(qr, sql, params);
    } finally {
      await qr.release();
    }
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const qr: QueryRunner = this.ds.createQueryRunner();
    await qr.connect();
    const runner: SqlRunner = {
      dialect: 'postgres',
      query: (sql, params = []) => rows(qr, sql, params),
      run: (sql, params = []) => changed(qr, sql, params),
    };
    try {
      await qr.startTransaction();
      const result = await fn(runner);
      await qr.commitTransaction();
      return result;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      throw err;
    } finally {
      await qr.release();
    }
  }

  async close(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
