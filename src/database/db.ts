import type { DataSource, QueryRunner } from 'typeorm';
import type { SqliteExecutor, SqliteOp } from './sqlite-executor';
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
  abstract transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;
}

/** A group commit's own statement failed: every transaction of the group fails with its error. */
class GroupFailure extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
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
 * sqlite through better-sqlite3 with a statement cache, the connection on a worker thread (see
 * `ThreadExecutor`; `:memory:` databases stay on the calling thread). One writer at a time:
 * transactions run in groups behind a FIFO lock and statements outside them never run inside an
 * open group, so concurrent requests never interleave inside another request's transaction and
 * never see "database is locked" from this process (other processes are covered by the busy
 * timeout and BEGIN IMMEDIATE).
 */
export class SqliteDb extends Db {
  readonly dialect = 'sqlite' as const;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly pending: PendingTx[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly sqlite: SqliteExecutor,
    private readonly checkpointer?: WalCheckpointer,
  ) {
    super();
  }

  /**
   * Control statements of the group commit (BEGIN, SAVEPOINT, RELEASE) wait here and go out
   * with the next statement: with the connection on another thread, each trip costs ~25 µs.
   */
  private deferred: SqliteOp[] = [];
  /** From a group's start until its COMMIT (or ROLLBACK) has been answered. */
  private groupOpen = false;

  private defer(sql: string): void {
    this.deferred.push({ k: 'all', sql, p: [] });
  }

  private async one<T>(op: SqliteOp): Promise<T> {
    const ops = this.deferred.length ? [...this.deferred, op] : [op];
    const ahead = ops.length - 1;
    this.deferred = [];
    try {
      return (await this.sqlite.call(ops))[ahead] as T;
    } catch (err) {
      // A deferred control statement failed: the group cannot go on (see commitGroup).
      if ((err as { at?: number }).at! < ahead) throw new GroupFailure(err);
      throw err;
    }
  }

  private locked<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * A statement outside any transaction: sent at once unless a group is open (it would run
   * inside the group's transaction), then after the group. The connection runs statements in
   * the order sent, so reads from many requests are pipelined instead of waiting one trip each.
   */
  private direct<T>(op: SqliteOp): Promise<T> {
    return this.groupOpen ? this.locked(() => this.one<T>(op)) : this.one<T>(op);
  }

  query<T = Row>(sql: string, p: readonly unknown[] = []): Promise<T[]> {
    return this.direct({ k: 'all', sql, p });
  }

  run(sql: string, p: readonly unknown[] = []): Promise<number> {
    return this.direct({ k: 'run', sql, p });
  }

  queryArrays(sql: string, p: readonly unknown[] = []): Promise<unknown[][]> {
    return this.direct({ k: 'raw', sql, p });
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const runner: SqlRunner = {
      dialect: 'sqlite',
      query: (sql, p = []) => this.one({ k: 'all', sql, p }),
      queryArrays: (sql, p = []) => this.one({ k: 'raw', sql, p }),
      run: (sql, p = []) => this.one({ k: 'run', sql, p }),
      runMany: (sql, rows) => this.one({ k: 'many', sql, rows }),
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

  private control(sql: string): Promise<unknown> {
    return this.one({ k: 'all', sql, p: [] });
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
    const started = performance.now();
    this.groupOpen = true;
    this.defer('BEGIN IMMEDIATE');
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
        this.defer('SAVEPOINT tx');
        try {
          const result = await tx.fn();
          this.defer('RELEASE tx');
          settled.push(() => tx.resolve(result));
        } catch (err) {
          // An error sqlite answers by rolling back the whole transaction (disk full, I/O) loses the group.
          if (err instanceof GroupFailure || !this.sqlite.inTransaction()) throw err;
          this.defer('ROLLBACK TO tx');
          this.defer('RELEASE tx');
          settled.push(() => tx.reject(err));
        }
      }
      await this.control('COMMIT');
    } catch (err) {
      this.deferred = [];
      if (this.sqlite.inTransaction()) await this.control('ROLLBACK');
      // Nothing of the group was written: every transaction of it fails with the error that ended it
      // (BEGIN IMMEDIATE past the busy timeout when another process holds the write lock).
      settled.length = 0;
      const cause = err instanceof GroupFailure ? err.reason : err;
      for (const tx of taken) tx.reject(cause);
    } finally {
      this.groupOpen = false;
      if (this.pending.length > 0) this.scheduleGroup();
    }
    for (const s of settled) s();
  }

  async close(): Promise<void> {
    await this.tail;
    await this.checkpointer?.stop();
    await this.sqlite.close();
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
