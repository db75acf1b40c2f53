import Database from 'better-sqlite3';
import { Client } from 'pg';
import { rng } from './seed-http';

/**
 * The search-at-scale data set (runs x 10 metrics x `steps` steps, 10 params, 5 tags) written straight
 * into the store's tables. Through the API it would take ~200k requests (minutes on 2 cores
 * shared with other work); the benchmark measures search, not seeding. The schema comes from
 * the server's own migrations: the caller starts the server once on the database (which
 * migrates it and creates the experiment through the API), stops it, seeds, and starts it again.
 *
 * Rows mirror what log-batch writes: one `metrics` row per metric and step, the last step's
 * value in `latest_metrics`, params p0..p9 = v0..v9, tags t0..t4 plus `mlflow.runName` as
 * runs/create adds it; params and tags carry the run's start_time as the store writes them.
 */
export interface ScaleSeed {
  experimentId: string;
  runs: number;
  /** Prefix of the runs' artifact_uri, e.g. `mlflow-artifacts:/5`. */
  artifactLocation: string;
  /** Metric history points per metric (default 1); only the last is in latest_metrics. */
  steps?: number;
}

type Rows = unknown[][];
interface Chunk {
  runs: Rows;
  metrics: Rows;
  latest: Rows;
  params: Rows;
  tags: Rows;
}

const COLUMNS = {
  runs: [
    'run_uuid',
    'name',
    'experiment_id',
    'user_id',
    'status',
    'start_time',
    'end_time',
    'lifecycle_stage',
    'artifact_uri',
  ],
  metrics: ['run_uuid', 'key', 'value', 'is_nan', 'timestamp', 'step'],
  latest: ['run_uuid', 'key', 'value', 'is_nan', 'timestamp', 'step'],
  params: ['run_uuid', 'key', 'value', 'start_time'],
  tags: ['run_uuid', 'key', 'value', 'start_time'],
} as const;
const TABLE: Record<keyof Chunk, string> = {
  runs: 'runs',
  metrics: 'metrics',
  latest: 'latest_metrics',
  params: 'params',
  tags: 'tags',
};
const PG_TYPES: Record<keyof Chunk, string[]> = {
  runs: ['text', 'text', 'int8', 'text', 'text', 'int8', 'int8', 'text', 'text'],
  metrics: ['text', 'text', 'float8', 'int2', 'int8', 'int8'],
  latest: ['text', 'text', 'float8', 'int2', 'int8', 'int8'],
  params: ['text', 'text', 'text', 'int8'],
  tags: ['text', 'text', 'text', 'int8'],
};

function* generate(seed: ScaleSeed, chunkSize: number): Generator<Chunk> {
  const random = rng(7);
  const hex = () =>
    Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  const t0 = Date.UTC(2024, 0, 1);
  const steps = Math.max(1, seed.steps ?? 1);
  for (let start = 0; start < seed.runs; start += chunkSize) {
    const c: Chunk = { runs: [], metrics: [], latest: [], params: [], tags: [] };
    for (let i = start; i < Math.min(seed.runs, start + chunkSize); i++) {
      const id = hex() + hex() + hex() + hex();
      const name = `scale-${i}`;
      const startTime = t0 + i * 60_000;
      c.runs.push([
        id,
        name,
        Number(seed.experimentId),
        'bench',
        'FINISHED',
        startTime,
        startTime + 30_000,
        'active',
        `${seed.artifactLocation}/${id}/artifacts`,
      ]);
      for (let k = 0; k < 10; k++) {
        let m: unknown[] = [];
        for (let step = 0; step < steps; step++) {
          m = [id, `m${k}`, random(), 0, startTime + step, step];
          c.metrics.push(m);
        }
        c.latest.push(m);
      }
      for (let k = 0; k < 10; k++) c.params.push([id, `p${k}`, `v${Math.floor(random() * 10)}`, startTime]);
      for (let k = 0; k < 5; k++) c.tags.push([id, `t${k}`, `tv${Math.floor(random() * 5)}`, startTime]);
      c.tags.push([id, 'mlflow.runName', name, startTime]);
    }
    yield c;
  }
}

/** sqlite: multi-row INSERTs of up to 100 rows, one transaction per chunk of runs. */
export function seedScaleSqlite(dbPath: string, seed: ScaleSeed): void {
  const db = new Database(dbPath);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const cache = new Map<string, Database.Statement>();
    const stmt = (table: keyof Chunk, rows: number) => {
      const key = `${table}:${rows}`;
      let s = cache.get(key);
      if (!s) {
        const cols = COLUMNS[table];
        const tuple = `(${cols.map(() => '?').join(', ')})`;
        s = db.prepare(
          `INSERT INTO ${TABLE[table]} (${cols.join(', ')}) VALUES ${new Array(rows).fill(tuple).join(', ')}`,
        );
        cache.set(key, s);
      }
      return s;
    };
    const write = db.transaction((chunk: Chunk) => {
      for (const table of Object.keys(COLUMNS) as (keyof Chunk)[]) {
        const rows = chunk[table];
        for (let i = 0; i < rows.length; i += 100) {
          const part = rows.slice(i, i + 100);
          stmt(table, part.length).run(part.flat());
        }
      }
    });
    for (const chunk of generate(seed, 2000)) write(chunk);
    // Checkpoint so the server starts on a compact main file, as after a normal restart.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** Postgres: one INSERT ... SELECT FROM unnest(arrays) per table and chunk. */
export async function seedScalePostgres(url: string, seed: ScaleSeed): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const chunk of generate(seed, 5000)) {
      await client.query('BEGIN');
      for (const table of Object.keys(COLUMNS) as (keyof Chunk)[]) {
        const cols = COLUMNS[table];
        const arrays = cols.map((_, j) => chunk[table].map((r) => r[j]));
        const unnest = PG_TYPES[table].map((t, j) => `$${j + 1}::${t}[]`).join(', ');
        await client.query(`INSERT INTO ${TABLE[table]} (${cols.join(', ')}) SELECT * FROM unnest(${unnest})`, arrays);
      }
      await client.query('COMMIT');
    }
    // Autovacuum would have analyzed tables grown by 100k runs through the API by now.
    await client.query('ANALYZE runs, metrics, latest_metrics, params, tags');
  } finally {
    await client.end();
  }
}
