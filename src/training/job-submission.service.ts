import { Injectable } from '@nestjs/common';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { ExperimentsService } from '../experiments/experiments.service';
import { RunsService } from '../experiments/runs.service';
import type { KeyValue } from '../experiments/tracking.types';
import { JobQueue } from './jobs/job-queue';
import { FINAL_STATES, JobRecord, NewJob, QueuedJob } from './jobs/job.types';
import { TrainingJobsStore } from './jobs/training-jobs.store';

/** What single runs and grid searches share when they are submitted. */
@Injectable()
export class JobSubmission {
  constructor(
    private readonly experiments: ExperimentsService,
    private readonly runs: RunsService,
    private readonly jobs: TrainingJobsStore,
    private readonly queue: JobQueue,
  ) {}

  /** Like mlflow.set_experiment: the named experiment, created when missing. */
  async experimentId(name: string | undefined): Promise<string> {
    if (!name) return '0';
    try {
      const exp = await this.experiments.getByName(name);
      if (exp.lifecycleStage !== 'active')
        throw MlflowError.invalid(`Experiment '${name}' is deleted; restore it or use another name.`);
      return exp.experimentId;
    } catch (err) {
      if (!(err instanceof MlflowError) || err.code !== ErrorCode.RESOURCE_DOES_NOT_EXIST) throw err;
    }
    try {
      return await this.experiments.create(name, undefined);
    } catch (err) {
      if (err instanceof MlflowError && err.code === ErrorCode.RESOURCE_ALREADY_EXISTS)
        return (await this.experiments.getByName(name)).experimentId;
      throw err;
    }
  }

  /** A run shown as SCHEDULED until a worker starts it. */
  async scheduledRun(experimentId: string, runName: string | undefined, tags: KeyValue[]): Promise<string> {
    const run = await this.runs.create({
      experimentId,
      userId: 'tsflow',
      runName,
      tags: [
        { key: 'mlflow.user', value: 'tsflow' },
        { key: 'mlflow.source.name', value: 'tsflow-training' },
        { key: 'mlflow.source.type', value: 'JOB' },
        ...tags,
      ],
    });
    await this.runs.update(run.info.runId, { status: 'SCHEDULED' });
    return run.info.runId;
  }

  /**
   * Cancels trainable jobs that are not final: queued ones leave the queue and their runs are
   * KILLED now; running ones stop at their next epoch (the executor sees the state and KILLs).
   */
  async cancel(jobs: JobRecord[], reason: string): Promise<void> {
    const live = jobs.filter((j) => !FINAL_STATES.includes(j.state));
    await this.queue.remove(live.filter((j) => j.state === 'queued').map((j) => j.jobId));
    for (const j of live) {
      await this.jobs.transition(j.jobId, ['queued', 'running'], 'cancelled', { error: reason });
      if (j.state === 'queued' && j.runId) await this.killRun(j.runId);
    }
  }

  killRun(runId: string): Promise<unknown> {
    return this.runs.update(runId, { status: 'KILLED', endTime: Date.now() }).catch(() => undefined);
  }

  /** Records the jobs, then queues the trainable ones; if the queue is down, nothing stays pending. */
  async enqueue(records: NewJob[], queued: QueuedJob[]): Promise<void> {
    await this.jobs.create(records);
    try {
      await this.queue.add(queued);
    } catch (err) {
      const message = (err as Error).message;
      for (const r of records) {
        await this.jobs.transition(r.jobId, ['queued'], 'failed', { error: `not queued: ${message}` });
        if (r.runId) await this.runs.update(r.runId, { status: 'FAILED', endTime: Date.now() }).catch(() => undefined);
      }
      throw err;
    }
  }
}
