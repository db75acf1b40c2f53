import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { repoRoot } from './server-process';

/** The MLflow 2.12.2 store made by scripts/make-mlflow-import-fixture.py against a real MLflow server. */
export const FIXTURE = path.join(repoRoot(), 'test', 'fixtures', 'mlflow-import');

export interface MlflowStoreCopy {
  dir: string;
  db: string;
  uri: string;
  artifacts: string;
}

/** A private copy of the fixture store (database and artifacts), so tests can change it. */
export function copyFixture(): MlflowStoreCopy {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-src-'));
  const db = path.join(dir, 'mlflow.db');
  fs.copyFileSync(path.join(FIXTURE, 'mlflow-2.12.db'), db);
  fs.cpSync(path.join(FIXTURE, 'mlartifacts'), path.join(dir, 'mlartifacts'), { recursive: true });
  return { dir, db, uri: `sqlite:///${db}`, artifacts: path.join(dir, 'mlartifacts') };
}

/**
 * Adds `runs` runs with `points` metric points each (10 keys) to an experiment of a copied
 * MLflow store, with rows shaped as MLflow writes them (its own schema, latest_metrics kept).
 */
export function growStore(file: string, experimentId: number, runs: number, points: number): void {
  const db = new Database(file);
  const run = db.prepare(
    `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time,
       source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time)
     VALUES (?, ?, 'LOCAL', '', '', 'gen', 'FINISHED', ?, ?, '', 'active', ?, ?, NULL)`,
  );
  const metric = db.prepare(
    'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)',
  );
  const latest = db.prepare(
    'INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, 0, ?)',
  );
  const param = db.prepare('INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let r = 0; r < runs; r++) {
      const id = `${r.toString(16).padStart(8, '0')}${'ab'.repeat(12)}`;
      const t0 = 1_700_000_000_000 + r * 1000;
      run.run(id, `gen-${r}`, t0, t0 + 999, `mlflow-artifacts:/${experimentId}/${id}/artifacts`, experimentId);
      param.run('i', String(r), id);
      const perKey = Math.ceil(points / 10);
      for (let k = 0; k < 10; k++) {
        for (let s = 0; s < perKey; s++) metric.run(`m${k}`, Math.sin(s + r + k), t0 + s, id, s);
        latest.run(`m${k}`, Math.sin(perKey - 1 + r + k), t0 + perKey - 1, perKey - 1, id);
      }
    }
  })();
  db.close();
}
