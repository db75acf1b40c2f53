import { Injectable } from '@nestjs/common';
import { Db } from '../../database/db';
import { inList, insertRows, listParam } from '../../database/sql-dialect';
import type { CandidateJob, GridJob, JobKind, JobPatch, JobRecord, JobState, NewJob, TrainableJob } from './job.types';
import { isTrainable } from './job.types';
import { TrainingJobsStore } from './training-jobs.store';

interface JobRow {
  job_id: string;
  kind: string;
  parent_id: string | null;
  state: string;
  progress: number;
  spec: string;
  run_id: string | null;
  result: string | null;
  error: string | null;
  attempts: number;
  created_at: number;
  updated_at: number;
}

const COLUMNS =
  'job_id, kind, parent_id, state, progress, spec, run_id, result, error, attempts, created_at, updated_at';

/** Spec and result were written by create()/transition() from the typed records they come back as. */
function fromRow(r: JobRow): JobRecord {
  const base = {
    jobId: r.job_id,
    state: r.state as JobState,
    progress: Number(r.progress),
    runId: r.run_id,
    error: r.error,
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
  const spec = JSON.parse(r.spec);
  const result = r.result ? JSON.parse(r.result) : null;
  if (r.kind === 'grid') return { ...base, kind: 'grid', parentId: null, spec, result };
  if (r.kind === 'candidate') return { ...base, kind: 'candidate', parentId: r.parent_id ?? '', spec, result };
  return { ...base, kind: 'run', parentId: null, spec, result };
}

function assignments(patch: JobPatch): { sql: string[]; params: unknown[] } {
  const sql: string[] = ['updated_at = ?'];
  const params: unknown[] = [Date.now()];
  const add = (col: string, v: unknown) => {
    sql.push(`${col} = ?`);
    params.push(v);
  };
  if (patch.progress !== undefined) add('progress', patch.progress);
  if (patch.runId !== undefined) add('run_id', patch.runId);
  if (patch.result !== undefined) add('result', JSON.stringify(patch.result));
  if (patch.error !== undefined) add('error', patch.error);
  if (patch.attempts !== undefined) add('attempts', patch.attempts);
  return { sql, params };
}

function newRow(j: NewJob, now: number): unknown[] {
  const parentId = j.kind === 'candidate' ? j.parentId : null;
  return [j.jobId, j.kind, parentId, 'queued', 0, JSON.stringify(j.spec), j.runId ?? null, null, null, 0, now, now];
}

@Injectable()
export class SqlTrainingJobsStore extends TrainingJobsStore {
  constructor(private readonly db: Db) {
    super();
  }

  async create(jobs: NewJob[]): Promise<void> {
    const now = Date.now();
    await this.db.transaction((tx) =>
      insertRows(
        tx,
        `INSERT INTO training_jobs (${COLUMNS})`,
        12,
        jobs.map((j) => newRow(j, now)),
      ),
    );
  }

  async createIfAbsent(job: NewJob): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO training_jobs (${COLUMNS}) VALUES (${Array(12).fill('?').join(', ')}) ON CONFLICT (job_id) DO NOTHING RETURNING job_id`,
      newRow(job, Date.now()),
    );
    return rows.length > 0;
  }

  async openGrids(): Promise<GridJob[]> {
    const rows = await this.db.query<JobRow>(
      `SELECT ${COLUMNS} FROM training_jobs WHERE kind = 'grid' AND state IN ('queued', 'running') ORDER BY created_at, job_id`,
    );
    return rows.map(fromRow).filter((j): j is GridJob => j.kind === 'grid');
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const rows = await this.db.query<JobRow>(`SELECT ${COLUMNS} FROM training_jobs WHERE job_id = ?`, [jobId]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async children(parentId: string): Promise<CandidateJob[]> {
    const rows = await this.db.query<JobRow>(
      `SELECT ${COLUMNS} FROM training_jobs WHERE parent_id = ? ORDER BY job_id`,
      [parentId],
    );
    return rows.map(fromRow).filter((j): j is CandidateJob => j.kind === 'candidate');
  }

  async list<K extends JobKind>(kind: K, limit: number, offset: number): Promise<Extract<JobRecord, { kind: K }>[]> {
    const rows = await this.db.query<JobRow>(
      `SELECT ${COLUMNS} FROM training_jobs WHERE kind = ? ORDER BY created_at DESC, job_id DESC LIMIT ? OFFSET ?`,
      [kind, limit, offset],
    );
    return rows.map(fromRow).filter((j): j is Extract<JobRecord, { kind: K }> => j.kind === kind);
  }

  async transition(jobId: string, from: readonly JobState[], to: JobState, patch: JobPatch = {}): Promise<boolean> {
    const d = this.db.dialect;
    const set = assignments(patch);
    const rows = await this.db.query(
      `UPDATE training_jobs SET state = ?, ${set.sql.join(', ')} WHERE job_id = ? AND ${inList(d, 'state')} RETURNING job_id`,
      [to, ...set.params, jobId, listParam(d, from)],
    );
    return rows.length > 0;
  }

  async claim(jobId: string, from: readonly JobState[], owner: string): Promise<boolean> {
    const d = this.db.dialect;
    const marker = JSON.stringify({ finalizing_by: owner });
    const rows = await this.db.query(
      `UPDATE training_jobs SET result = ?, updated_at = ? WHERE job_id = ? AND ${inList(d, 'state')} AND (result IS NULL OR result = ?) RETURNING job_id`,
      [marker, Date.now(), jobId, listParam(d, from), marker],
    );
    return rows.length > 0;
  }

  async countByKindAndState(): Promise<{ kind: JobKind; state: JobState; count: number }[]> {
    const rows = await this.db.query<{ kind: JobKind; state: JobState; n: number }>(
      'SELECT kind, state, COUNT(*) AS n FROM training_jobs GROUP BY kind, state',
    );
    return rows.map((r) => ({ kind: r.kind, state: r.state, count: Number(r.n) }));
  }

  async pending(): Promise<TrainableJob[]> {
    const rows = await this.db.query<JobRow>(
      `SELECT ${COLUMNS} FROM training_jobs WHERE kind IN ('run', 'candidate') AND state IN ('queued', 'running') ORDER BY created_at, job_id`,
    );
    return rows.map(fromRow).filter(isTrainable);
  }

  async update(jobId: string, patch: JobPatch): Promise<void> {
    const set = assignments(patch);
    await this.db.query(`UPDATE training_jobs SET ${set.sql.join(', ')} WHERE job_id = ?`, [...set.params, jobId]);
  }
}
