import { compact } from '../../common/wire';
import { FINAL_STATES, JobRecord } from '../jobs/job.types';
import type { GridResult, TrainingSpec } from '../training.types';

export function runJobToWire(job: JobRecord) {
  return compact({
    job_id: job.jobId,
    state: job.state,
    progress: job.progress,
    run_id: job.runId ?? undefined,
    error: job.error ?? undefined,
    metrics: (job.result?.metrics as Record<string, number> | undefined) ?? undefined,
    attempts: job.attempts,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
  });
}

function candidateToWire(c: JobRecord) {
  return compact({
    job_id: c.jobId,
    state: c.state,
    progress: FINAL_STATES.includes(c.state) ? 1 : c.progress,
    params: (c.spec as unknown as TrainingSpec).varied ?? {},
    metrics: (c.result?.metrics as Record<string, number> | undefined) ?? undefined,
    run_id: c.runId ?? undefined,
    error: c.error ?? undefined,
    attempts: c.attempts,
  });
}

export function gridToWire(grid: JobRecord, candidates: JobRecord[]) {
  const result = (grid.result ?? {}) as Partial<GridResult>;
  const progress = candidates.length
    ? candidates.reduce((s, c) => s + (FINAL_STATES.includes(c.state) ? 1 : c.progress), 0) / candidates.length
    : 0;
  const counts = Object.fromEntries(
    ['queued', 'running', 'completed', 'failed', 'cancelled'].map((s) => [
      s,
      candidates.filter((c) => c.state === s).length,
    ]),
  );
  return compact({
    job_id: grid.jobId,
    state: grid.state,
    progress: Math.round(progress * 1000) / 1000,
    parent_run_id: grid.runId ?? undefined,
    metric: (grid.spec as { metric?: string }).metric,
    best_run_id: result.best_run_id ?? undefined,
    best_value: result.best_value ?? undefined,
    promotion: result.promotion ?? undefined,
    error: grid.error ?? undefined,
    counts,
    candidates: candidates.map(candidateToWire),
    created_at: grid.createdAt,
    updated_at: grid.updatedAt,
  });
}

export function gridSummaryToWire(grid: JobRecord) {
  const result = (grid.result ?? {}) as Partial<GridResult>;
  return compact({
    job_id: grid.jobId,
    state: grid.state,
    parent_run_id: grid.runId ?? undefined,
    best_run_id: result.best_run_id ?? undefined,
    created_at: grid.createdAt,
    updated_at: grid.updatedAt,
  });
}
