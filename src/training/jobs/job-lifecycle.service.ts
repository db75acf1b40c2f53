import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { RunsService } from '../../experiments/runs.service';
import { FAILURE_REASON_TAG, INCOMPLETE_TAG, type KeyValue, type RunStatus } from '../../experiments/tracking.types';
import { GridCloser } from './grid-closer';
import { JobQueue } from './job-queue';
import {
  CandidateJob,
  GridJob,
  isFinal,
  isTrainable,
  JobRecord,
  LIVE_STATES,
  NewJob,
  QueuedJob,
  RunResult,
  TrainableJob,
} from './job.types';
import { RetryPolicy } from './retry.policy';
import { TrainingJobsStore } from './training-jobs.store';
import { trialTags } from './trial-tags';

/** One try of a trainable job, as the queue driver counts it. */
export interface Attempt {
  /** 1-based attempt number. */
  number: number;
  max: number;
  progress: (value: number) => Promise<void> | void;
}

/** What starting an attempt gave: the job and the run this attempt trains into, or why not. */
export type StartedAttempt = { job: TrainableJob; runId: string } | { skipped: SkippedState };
type SkippedState = 'completed' | 'cancelled' | 'pruned';

const SOURCE_TAGS: KeyValue[] = [
  { key: 'mlflow.user', value: 'tsflow' },
  { key: 'mlflow.source.name', value: 'tsflow-training' },
  { key: 'mlflow.source.type', value: 'JOB' },
];

const message = (err: unknown) => (err as Error)?.message ?? String(err);

/**
 * The training job lifecycle, in one place: every state change of a job record together with
 * the status of its MLflow run (schedule, start an attempt, progress, cancel, complete, fail,
 * retry, close a grid). Each change is a compare-and-set on the job's state, so concurrent
 * processes (API replicas, workers, sandboxes) agree on who made it. Queue drivers, the
 * executor, submission and the grid services call this; nothing else writes job states.
 *
 * States: queued → running → completed | failed | cancelled. A failed attempt that will be
 * retried leaves the job `running` (with the attempt's error); the next attempt trains into a
 * fresh run tagged `tsflow.retry_of`, and the abandoned run of an attempt that died is FAILED.
 */
@Injectable()
export class JobLifecycle {
  private readonly logger = new Logger(JobLifecycle.name);

  constructor(
    private readonly jobs: TrainingJobsStore,
    private readonly runs: RunsService,
    private readonly policy: RetryPolicy,
    private readonly grids: GridCloser,
  ) {}

  // --- schedule ---

  /** The run of a job being submitted: SCHEDULED until a worker starts it (a grid's parent: RUNNING). */
  async createRun(
    experimentId: string,
    runName: string | undefined,
    tags: KeyValue[],
    status: 'SCHEDULED' | 'RUNNING' = 'SCHEDULED',
  ): Promise<string> {
    const run = await this.runs.create({ experimentId, userId: 'tsflow', runName, tags: [...SOURCE_TAGS, ...tags] });
    await this.runs.update(run.info.runId, { status });
    return run.info.runId;
  }

  /** Records the jobs (queued), then queues the trainable ones; if the queue refuses, nothing stays pending. */
  async schedule(queue: JobQueue, records: NewJob[], queued: QueuedJob[]): Promise<void> {
    await this.jobs.create(records);
    try {
      await queue.add(queued);
    } catch (err) {
      for (const r of records) {
        await this.jobs.transition(r.jobId, ['queued'], 'failed', { error: `not queued: ${message(err)}` });
        await this.endRunQuietly(r.runId, 'FAILED');
      }
      throw err;
    }
  }

  // --- cancel ---

  /**
   * Cancels trainable jobs that are not final: queued ones leave the queue and their runs are
   * KILLED now; running ones stop at their next epoch (progress() reports the cancellation and
   * the executor calls stopped()).
   */
  async cancel(queue: JobQueue, jobs: TrainableJob[], reason: string): Promise<void> {
    const live = jobs.filter((j) => !isFinal(j.state));
    // Cancelled first, then out of the queue: the reconciler never sees a pending job missing from it.
    for (const j of live) await this.jobs.transition(j.jobId, LIVE_STATES, 'cancelled', { error: reason });
    await queue.remove(live.filter((j) => j.state === 'queued').map((j) => j.jobId));
    for (const j of live) if (j.state === 'queued') await this.endRunQuietly(j.runId, 'KILLED');
  }

  /** Queued candidates are dropped; running ones stop at their next epoch (runs KILLED), then the parent run. */
  async cancelGrid(queue: JobQueue, grid: GridJob, candidates: CandidateJob[]): Promise<void> {
    if (isFinal(grid.state)) return;
    await this.jobs.transition(grid.jobId, LIVE_STATES, 'cancelled', { error: 'cancelled by user' });
    await this.cancel(queue, candidates, 'grid cancelled');
    // With a candidate still running, its stop KILLs the parent (see candidateFinal).
    if (!candidates.some((c) => c.state === 'running')) await this.endRunQuietly(grid.runId, 'KILLED');
  }

  // --- attempts ---

  /**
   * Starts an attempt: the run created at submission for the first one, a fresh run for each
   * retry (the previous one FAILED if it was abandoned). Corrects `attempt.number` upwards from the
   * database's count when the queue's count restarted. Skips jobs already final (a retry of a
   * job whose worker died after finishing it: what it may have left undone is finished here).
   */
  async startAttempt(jobId: string, attempt: Attempt): Promise<StartedAttempt> {
    const job = await this.jobs.get(jobId);
    if (!job || !isTrainable(job)) throw new UnrecoverableError(`unknown training job ${jobId}`);
    if (job.state === 'completed' || job.state === 'cancelled' || job.state === 'pruned') {
      await this.candidateFinal(job);
      return { skipped: job.state };
    }
    // A start after one the queue lost (a flushed Redis begins a fresh BullMQ job) still counts
    // the attempts the database saw: a job left running or retried is past its earlier attempts.
    if (job.state !== 'queued') attempt.number = Math.max(attempt.number, job.attempts + 1);
    const runId = await this.attemptRun(job, attempt.number);
    const started = await this.jobs.transition(jobId, ['queued', 'running', 'failed'], 'running', {
      runId,
      attempts: attempt.number,
      progress: 0,
      error: null,
    });
    if (!started) {
      await this.setRunStatus(runId, 'KILLED'); // cancelled meanwhile
      return { skipped: 'cancelled' };
    }
    if (job.kind === 'candidate') await this.jobs.transition(job.parentId, ['queued'], 'running');
    return { job, runId };
  }

  /** A worker still holds the running job (see the worker's heartbeats): only its updated_at moves. */
  async heartbeat(jobId: string): Promise<void> {
    const job = await this.jobs.get(jobId);
    if (job?.state === 'running') await this.jobs.update(jobId, {});
  }

  /** Records progress (0..1); answers whether the job was cancelled meanwhile (stop at this epoch). */
  async progress(job: TrainableJob, value: number): Promise<boolean> {
    await this.jobs.update(job.jobId, { progress: value });
    return (await this.jobs.get(job.jobId))?.state === 'cancelled';
  }

  /** The attempt stopped at an epoch boundary because the job was cancelled. */
  async stopped(job: TrainableJob, runId: string): Promise<void> {
    await this.setRunStatus(runId, 'KILLED');
    await this.candidateFinal(job);
  }

  async complete(job: TrainableJob, runId: string, result: RunResult): Promise<void> {
    await this.setRunStatus(runId, 'FINISHED');
    await this.jobs.transition(job.jobId, ['running'], 'completed', { progress: 1, result });
    await this.candidateFinal(job);
  }

  /**
   * A grid candidate the search stopped early (successive halving): its run is KILLED (it did
   * not train its epochs; the reason is on the run) and the job `pruned`, a final state.
   */
  async pruned(job: TrainableJob, runId: string, result: RunResult): Promise<void> {
    await this.setRunStatus(runId, 'KILLED');
    await this.jobs.transition(job.jobId, ['running'], 'pruned', { progress: 1, result });
    await this.candidateFinal(job);
  }

  /**
   * A failed attempt: its run is FAILED; the job fails for good when the retry policy says so,
   * otherwise it keeps the error until the queue retries it. Returns what the processor must
   * throw (an UnrecoverableError stops the queue from retrying).
   */
  async attemptFailed(job: TrainableJob, runId: string, err: unknown, attempt: Attempt): Promise<unknown> {
    await this.endRunQuietly(runId, 'FAILED');
    const final = this.policy.isFinal(err, attempt.number, attempt.max);
    if (final) await this.fail(job.jobId, message(err));
    else await this.jobs.update(job.jobId, { error: `attempt ${attempt.number} failed: ${message(err)}` });
    this.logger.warn(`job ${job.jobId} attempt ${attempt.number}/${attempt.max} failed: ${message(err)}`);
    // The last attempt by our count (stalls included) stops the queue too, whatever its own count says.
    return final ? new UnrecoverableError(message(err)) : this.policy.toThrow(err);
  }

  /**
   * The one final-failure path: after the last attempt, for bad input, or when a queue driver
   * sees a job's process die on its last attempt. Idempotent.
   */
  async fail(jobId: string, reason: string): Promise<void> {
    const job = await this.jobs.get(jobId);
    if (!job || !isTrainable(job)) return;
    await this.abandonPreviousRun(job);
    if (await this.jobs.transition(jobId, LIVE_STATES, 'failed', { error: reason })) await this.candidateFinal(job);
  }

  // --- grids ---

  /**
   * Closes the grid of a candidate that just became final, if it was the last: exactly one
   * process (the one whose claim wins) decides the outcome, then the grid and its parent run
   * become final together. A cancelled grid's parent run is KILLED once nothing runs.
   */
  private async candidateFinal(job: TrainableJob): Promise<void> {
    if (job.kind !== 'candidate') return;
    const grid = await this.jobs.get(job.parentId);
    if (!grid || grid.kind !== 'grid' || grid.state === 'completed' || grid.state === 'failed') return;
    const candidates = await this.jobs.children(grid.jobId);
    if (candidates.some((c) => !isFinal(c.state))) return;
    if (grid.state === 'cancelled') return this.endRunQuietly(grid.runId, 'KILLED');
    // A bayesian search has more trials to come (the scheduler submits them as these finish).
    if (grid.spec.bayesian && candidates.length < grid.spec.bayesian.budget) return;
    // Claim first, decide, then become final with the decision: a grid never looks completed
    // (REST, SSE) before its promotion decision is recorded, and only one process promotes.
    if (!(await this.jobs.claim(grid.jobId, LIVE_STATES, job.jobId))) return;
    const closing = await this.grids.close(grid, candidates);
    if (grid.runId) await this.setRunStatus(grid.runId, closing.state === 'completed' ? 'FINISHED' : 'FAILED');
    const patch = { progress: 1, result: closing.result, error: closing.error };
    if (!(await this.jobs.transition(grid.jobId, LIVE_STATES, closing.state, patch)))
      this.logger.warn(`grid ${grid.jobId} changed state while it was being finalised (cancelled?)`);
  }

  // --- runs ---

  private async attemptRun(job: TrainableJob, attempt: number): Promise<string> {
    if (job.runId && attempt === 1 && job.state === 'queued') {
      await this.runs.update(job.runId, { status: 'RUNNING' });
      return job.runId;
    }
    await this.abandonPreviousRun(job);
    const tags = [
      ...SOURCE_TAGS,
      { key: 'tsflow.job_id', value: job.jobId },
      ...(job.spec.parentRunId ? [{ key: 'mlflow.parentRunId', value: job.spec.parentRunId }] : []),
      ...(job.runId ? [{ key: 'tsflow.retry_of', value: job.runId }] : []),
      ...trialTags(job.spec.trial),
    ];
    const run = await this.runs.create({
      experimentId: job.spec.experimentId,
      userId: 'tsflow',
      runName: job.spec.runName,
      tags,
    });
    return run.info.runId;
  }

  /** An earlier attempt's run left RUNNING or SCHEDULED (its worker died) is FAILED. */
  private async abandonPreviousRun(job: JobRecord): Promise<void> {
    if (!job.runId) return;
    const info = await this.runs.getInfo(job.runId).catch(() => undefined);
    if (info && (info.status === 'RUNNING' || info.status === 'SCHEDULED')) {
      this.logger.warn(`run ${job.runId} of job ${job.jobId} was abandoned by an earlier attempt: marking it FAILED`);
      // Its metrics may be complete (abandoned at 0.99): the tags say it did not finish, and
      // best-run views (compare) skip it.
      const reason = `abandoned at progress ${job.progress} by attempt ${job.attempts}: its process died before the run finished`;
      await this.runs
        .logBatch(job.runId, {
          tags: [
            { key: INCOMPLETE_TAG, value: 'true' },
            { key: FAILURE_REASON_TAG, value: reason },
          ],
        })
        .catch((err: unknown) => this.logger.warn(`tagging abandoned run ${job.runId}: ${message(err)}`));
      await this.setRunStatus(job.runId, 'FAILED');
    }
  }

  private async setRunStatus(runId: string, status: Exclude<RunStatus, 'SCHEDULED'>): Promise<void> {
    await this.runs.update(runId, status === 'RUNNING' ? { status } : { status, endTime: Date.now() });
  }

  /** For runs whose status is secondary to the job's (cleanup after a cancel or a failure). */
  private async endRunQuietly(runId: string | null, status: 'FAILED' | 'KILLED'): Promise<void> {
    if (runId) await this.setRunStatus(runId, status).catch(() => undefined);
  }
}
