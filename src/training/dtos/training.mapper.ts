import { compact } from '../../common/wire';
import { CandidateJob, GridJob, gridOutcome, isFinal, JOB_STATES, RunJob } from '../jobs/job.types';

export function runJobToWire(job: RunJob) {
  return compact({
    job_id: job.jobId,
    state: job.state,
    progress: job.progress,
    run_id: job.runId ?? undefined,
    error: job.error ?? undefined,
    metrics: job.result?.metrics,
    attempts: job.attempts,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
  });
}

function candidateToWire(c: CandidateJob) {
  return compact({
    job_id: c.jobId,
    state: c.state,
    progress: isFinal(c.state) ? 1 : c.progress,
    params: c.spec.varied ?? {},
    metrics: c.result?.metrics,
    pruned: c.result?.pruned,
    run_id: c.runId ?? undefined,
    error: c.error ?? undefined,
    attempts: c.attempts,
  });
}

export function gridToWire(grid: GridJob, candidates: CandidateJob[]) {
  const result = gridOutcome(grid);
  // A bayesian search's trials appear as others finish: its progress is over the whole budget.
  const size = Math.max(candidates.length, grid.spec.bayesian?.budget ?? 0);
  const progress = size ? candidates.reduce((s, c) => s + (isFinal(c.state) ? 1 : c.progress), 0) / size : 0;
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, candidates.filter((c) => c.state === s).length]));
  return compact({
    job_id: grid.jobId,
    state: grid.state,
    progress: Math.round(progress * 1000) / 1000,
    parent_run_id: grid.runId ?? undefined,
    strategy: grid.spec.strategy ?? 'grid',
    metric: grid.spec.metric,
    best_run_id: result?.best_run_id ?? undefined,
    best_value: result?.best_value ?? undefined,
    promotion: result?.promotion ?? undefined,
    error: grid.error ?? undefined,
    counts,
    candidates: candidates.map(candidateToWire),
    created_at: grid.createdAt,
    updated_at: grid.updatedAt,
  });
}

export function gridSummaryToWire(grid: GridJob) {
  return compact({
    job_id: grid.jobId,
    state: grid.state,
    parent_run_id: grid.runId ?? undefined,
    best_run_id: gridOutcome(grid)?.best_run_id ?? undefined,
    created_at: grid.createdAt,
    updated_at: grid.updatedAt,
  });
}
