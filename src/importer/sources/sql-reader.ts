import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { ImportError } from '../import-source';

export type SqlRow = Record<string, unknown>;

/**
 * Read-only access to an MLflow database: sqlite through better-sqlite3 (opened read-only, so
 * a running MLflow server can keep writing), Postgres through a small pg pool. `?` placeholders
 * on both.
 */
export abstract class SqlReader {
  abstract readonly dialect: 'sqlite' | 'postgres';
  abstract all(sql: string, params?: unknown[]): Promise<SqlRow[]>;
  /** The rows of a query in chunks of `size`, without holding them all (sqlite streams; Postgres reads at once). */
  async *chunks(sql: string, params: unknown[], size: number): AsyncIterable<SqlRow[]> {
    const rows = await this.all(sql, params);
    for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
  }
  abstract tables(): Promise<Set<string>>;
  abstract columns(table: string): Promise<Set<string>>;
  abstract close(): Promise<void>;

  static open(uri: string): SqlReader {
    if (uri.startsWith('sqlite:')) return new SqliteReader(sqlitePath(uri));
    if (/^postgres(ql)?(\+\w+)?:\/\//.test(uri))
      return new PostgresReader(uri.replace(/^postgres(ql)?\+\w+:/, 'postgresql:'));
    throw new ImportError(
      `Unsupported database URI '${redact(uri)}': use sqlite:///path/to/mlflow.db or postgresql://...`,
    );
  }
}

/** `sqlite:///relative.db`, `sqlite:////abs/path.db` (SQLAlchemy's form, as `mlflow server` takes it). */
export function sqlitePath(uri: string): string {
  const m = /^sqlite:\/\/\/(.*)$/.exec(uri);
  if (!m || !m[1]) throw new ImportError(`Invalid sqlite URI '${uri}': expected sqlite:///path/to/mlflow.db`);
  return m[1];
}

export function redact(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

class SqliteReader extends SqlReader {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(file: string) {
    super();
    try {
      this.db = new Database(file, { readonly: true, fileMustExist: true });
      this.db.pragma('busy_timeout = 10000');
    } catch (e) {
      throw new ImportError(`Cannot open the MLflow database ${file}: ${(e as Error).message}`);
    }
  }

  all(sql: string, params: unknown[] = []): Promise<SqlRow[]> {
    return Promise.resolve(this.db.prepare(sql).all(...params) as SqlRow[]);
  }

  override async *chunks(sql: string, params: unknown[], size: number): AsyncIterable<SqlRow[]> {
    let chunk: SqlRow[] = [];
    for (const row of this.db.prepare(sql).iterate(...params)) {
      chunk.push(row as SqlRow);
      if (chunk.length === size) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length) yield chunk;
  }

  async tables(): Promise<Set<string>> {
    const rows = await this.all("SELECT name FROM sqlite_master WHERE type = 'table'");
    return new Set(rows.map((r) => String(r.name)));
  }

  async columns(table: string): Promise<Set<string>> {
    const rows = await this.all(`SELECT name FROM pragma_table_info(?)`, [table]);
    return new Set(rows.map((r) => String(r.name)));
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

class PostgresReader extends SqlReader {
  readonly dialect = 'postgres' as const;
  private readonly pool: Pool;

  constructor(url: string) {
    super();
    this.pool = new Pool({ connectionString: url, max: 4 });
  }

  async all(sql: string, params: unknown[] = []): Promise<SqlRow[]> {
    let i = 0;
    const text = sql.replace(/\?/g, () => `$${++i}`);
    try {
      return (await this.pool.query(text, params)).rows as SqlRow[];
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === '28P01' || err.code === '3D000') {
        throw new ImportError(`Cannot connect to the MLflow database: ${err.message}`);
      }
      throw e;
    }
  }

  async tables(): Promise<Set<string>> {
    const rows = await this.all(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()',
    );
    return new Set(rows.map((r) => String(r.table_name)));
  }

  async columns(table: string): Promise<Set<string>> {
    const rows = await this.all(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?',
      [table],
    );
    return new Set(rows.map((r) => String(r.column_name)));
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
