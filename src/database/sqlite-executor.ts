import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/**
 * One statement for the sqlite connection: `all` answers rows (none for a write), `raw` rows
 * as arrays, `run` the rows changed, `many` one statement run once per parameter row.
 */
export type SqliteOp =
  | { k: 'all' | 'raw' | 'run'; sql: string; p: readonly unknown[] }
  | { k: 'many'; sql: string; rows: readonly (readonly unknown[])[] };

/**
 * Runs statements on the one sqlite connection, in the order they were given, and answers
 * each one's result. A failing statement stops the rest; its error carries `at`, its index.
 */
export interface SqliteExecutor {
  call(ops: SqliteOp[]): Promise<unknown[]>;
  /** Whether the connection is inside a transaction now (after an error: sqlite may have rolled it back). */
  inTransaction(): boolean;
  close(): Promise<void>;
}

/**
 * The statement runner, as plain JavaScript so the worker thread runs the very same code
 * (evaluated there: no build step, works from sources under vitest too). Statements are
 * prepared once per SQL text; a write marks `state.wrote` for the WAL checkpointer.
 */
const RUNNER_SOURCE = `(function makeRunner(db, packed) {
  const cache = new Map();
  const bind = (p) => p.map((v) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) :
    v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v));
  const prepare = (sql, raw) => {
    const key = raw ? sql + ' -- rows as arrays' : sql;
    let stmt = cache.get(key);
    if (!stmt) {
      stmt = db.prepare(sql);
      if (raw && stmt.reader) {
        stmt.raw(true);
        stmt.names = stmt.columns().map((c) => c.name);
      }
      if (cache.size > 2000) cache.clear();
      cache.set(key, stmt);
    }
    return stmt;
  };
  const state = { wrote: false };
  const one = (op) => {
    if (op.k === 'many') {
      const stmt = prepare(op.sql, false);
      state.wrote = true;
      let changes = 0;
      for (const row of op.rows) changes += stmt.run(...bind(row)).changes;
      return changes;
    }
    const stmt = prepare(op.sql, op.k === 'raw' || (packed && op.k === 'all'));
    if (op.k === 'all' && packed && stmt.reader) return { names: stmt.names, rows: stmt.all(...bind(op.p)) };
    if (op.k !== 'run' && stmt.reader) return stmt.all(...bind(op.p));
    state.wrote = true;
    const changes = stmt.run(...bind(op.p)).changes;
    return op.k === 'run' ? changes : [];
  };
  const run = (ops) => ops.map((op, i) => {
    try {
      return one(op);
    } catch (err) {
      if (err && typeof err === 'object') err.at = i;
      throw err;
    }
  });
  return { state, run };
})`;

type Runner = { state: { wrote: boolean }; run(ops: SqliteOp[]): unknown[] };
const makeRunner = new Function(`return ${RUNNER_SOURCE}`)() as (db: Database, packed: boolean) => Runner;

/** On the calling thread (`:memory:` databases, which another connection cannot open). */
export class InlineExecutor implements SqliteExecutor {
  private readonly runner: Runner;

  constructor(
    private readonly db: Database,
    private readonly wrote?: () => void,
  ) {
    this.runner = makeRunner(db, false);
  }

  call(ops: SqliteOp[]): Promise<unknown[]> {
    try {
      return Promise.resolve(this.runner.run(ops));
    } catch (err) {
      return Promise.reject(err);
    } finally {
      if (this.runner.state.wrote) {
        this.runner.state.wrote = false;
        this.wrote?.();
      }
    }
  }

  inTransaction(): boolean {
    return this.db.inTransaction;
  }

  async close(): Promise<void> {}
}

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.timeout });
for (const p of workerData.pragmas) db.pragma(p);
// Rows cross as arrays plus column names (a cheaper copy than objects repeating every name).
const runner = (${RUNNER_SOURCE})(db, true);
const rowsOf = (r) => (Array.isArray(r) ? r : r && r.rows);
const hasBlob = (r) => { const rows = rowsOf(r); return Array.isArray(rows) && rows.some((row) => row.some((v) => v instanceof Uint8Array)); };
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  let reply;
  try {
    const r = runner.run(m.ops);
    reply = { id: m.id, r, b: r.some(hasBlob), t: db.inTransaction, w: runner.state.wrote };
  } catch (err) {
    reply = { id: m.id, e: { message: String(err && err.message), code: err && err.code, name: err && err.name, at: err && err.at },
      t: db.inTransaction, w: runner.state.wrote };
  }
  runner.state.wrote = false;
  parentPort.postMessage(reply);
});
`;

interface Reply {
  id: number;
  r?: unknown[];
  b?: boolean;
  e?: { message: string; code?: string; name?: string; at?: number };
  t: boolean;
  w: boolean;
}

const asBuffer = (v: unknown) =>
  v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;

/**
 * Results as the stores expect them: rows of `all` back into objects (they cross as arrays and
 * column names), blob cells (Uint8Array after the copy) as Buffers.
 */
function unpack(results: unknown[], blobs: boolean): unknown[] {
  return results.map((r) => {
    const packed = r !== null && typeof r === 'object' && !Array.isArray(r);
    const rows = (packed ? (r as { rows: unknown[][] }).rows : r) as unknown[][] | number;
    if (blobs && Array.isArray(rows)) for (const row of rows) row.forEach((v, i) => (row[i] = asBuffer(v)));
    if (!packed) return rows;
    const names = (r as { names: string[] }).names;
    return (rows as unknown[][]).map((row) => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) o[names[i]] = row[i];
      return o;
    });
  });
}

/** An error from the worker, as better-sqlite3 would have thrown it (message and code kept). */
function sqliteError(e: NonNullable<Reply['e']>): Error {
  const err = new Error(e.message) as Error & { code?: string; at?: number };
  err.name = e.name ?? 'SqliteError';
  if (e.code !== undefined) err.code = e.code;
  if (e.at !== undefined) err.at = e.at;
  return err;
}

/**
 * The connection lives on a worker thread: sqlite's own work (b-tree inserts, index walks,
 * commits) runs on a second core while the event loop parses and answers requests. Statements
 * still run one at a time in the order sent, so the callers' locking stays as it was.
 */
export class ThreadExecutor implements SqliteExecutor {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: unknown[]) => void; reject: (e: unknown) => void }>();
  private nextId = 0;
  private inTx = false;
  private failure?: Error;

  constructor(file: string, pragmas: string[], timeoutMs: number, wrote?: () => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, pragmas, timeout: timeoutMs, driver: require.resolve('better-sqlite3') },
    });
    this.worker.unref();
    this.worker.on('message', (m: Reply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) this.worker.unref();
      this.inTx = m.t;
      if (m.w) wrote?.();
      if (m.e) w.reject(sqliteError(m.e));
      else w.resolve(unpack(m.r!, m.b === true));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`sqlite worker thread exited (code ${code})`)));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }

  call(ops: SqliteOp[]): Promise<unknown[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    // Keeps the process alive while a statement is out (a CLI awaiting its last query).
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, ops });
    });
  }

  inTransaction(): boolean {
    return this.inTx;
  }

  async close(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('close');
    await exited;
  }
}
