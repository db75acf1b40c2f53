import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { TrainingInputError } from './core';
import { nextTrials, TrialState, TrialSuggestion } from './core/search/bayesian';
import { parseSpace } from './core/search/space';
import { SeriesDatasetsService } from './data/series-datasets.service';
import { higherIsBetter } from './execution/champion-evaluation';
import { JobLifecycle } from './jobs/job-lifecycle.service';
import { JobQueue } from './jobs/job-queue';
import { CandidateJob, candidateJobId, GridJob, isFinal, NewJob } from './jobs/job.types';
import { SearchDriver } from './jobs/search-driver';
import { TrainingJobsStore } from './jobs/training-jobs.store';
import { checkedSeriesParams } from './series-request';
import { checkedParams } from './training-request';
import type { TrainingSpec } from './training.types';

type TrialJob = Extract<NewJob, { kind: 'candidate' }>;

/** A trial as TPE sees it: failed (or unscored) trials are the worst; the objective is minimised. */
function trialState(c: CandidateJob, metric: string): TrialState {
  const v = c.state === 'completed' ? c.result?.metrics[metric] : undefined;
  const scored = typeof v === 'number' && Number.isFinite(v);
  return {
    index: c.spec.trial?.index ?? Number(c.jobId.slice(c.jobId.lastIndexOf('-c') + 2)),
    params: c.spec.varied ?? {},
    finished: isFinal(c.state),
    value: scored ? (higherIsBetter(metric) ? -v : v) : Infinity,
  };
}

/**
 * Drives bayesian searches: whenever one of their trials ends (a queue event, in the API
 * process, wherever the trial ran) or the reconciler looks (at start, and periodically with
 * BullMQ), it suggests the next trials from the finished ones and submits them. Trial N is the
 * job `<grid>-c<N>`, inserted only if absent: replicas reacting to the same event, a restart
 * or a missed event never create a trial twice nor skip one. The last trial's end closes the
 * search as for any strategy (JobLifecycle waits for the whole budget).
 */
@Injectable()
export class BayesianScheduler extends SearchDriver implements OnModuleInit {
  private readonly logger = new Logger(BayesianScheduler.name);
  /** One pass per search at a time in this process (across processes, trial ids decide). */
  private readonly passes = new Map<string, Promise<void>>();

  constructor(
    private readonly jobs: TrainingJobsStore,
    @Inject(JobQueue) private readonly queue: JobQueue,
    private readonly lifecycle: JobLifecycle,
    private readonly seriesData: SeriesDatasetsService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.queue.onSettled((jobId) => void this.settled(jobId));
  }

  /** Every open bayesian search (the reconciler: what a restart or a missed event left undone). */
  async advanceOpen(): Promise<void> {
    for (const grid of await this.jobs.openGrids()) if (grid.spec.bayesian) await this.advance(grid.jobId);
  }

  /** Submits the trials the search has room for now (none when it is final or its budget is spent). */
  advance(gridId: string): Promise<void> {
    const pass = (this.passes.get(gridId) ?? Promise.resolve()).then(() => this.pass(gridId));
    const tail = pass.catch(() => undefined);
    this.passes.set(gridId, tail);
    void tail.then(() => this.passes.get(gridId) === tail && this.passes.delete(gridId));
    return pass;
  }

  private async settled(jobId: string): Promise<void> {
    try {
      const job = await this.jobs.get(jobId);
      if (job?.kind === 'candidate') await this.advance(job.parentId);
    } catch (err) {
      this.logger.warn(`could not schedule after ${jobId}: ${(err as Error).message} (the reconciler retries)`);
    }
  }

  private async pass(gridId: string): Promise<void> {
    // A refused suggestion fails its trial at once (the worst value): then suggest again.
    for (;;) {
      const grid = await this.jobs.get(gridId);
      if (!grid || grid.kind !== 'grid' || !grid.spec.bayesian || isFinal(grid.state)) return;
      const trials = (await this.jobs.children(gridId)).map((c) => trialState(c, grid.spec.metric));
      const next = nextTrials(parseSpace(grid.spec.grid), grid.spec.bayesian, trials);
      if (next.length === 0) return;
      const created: TrialJob[] = [];
      let refused = 0;
      for (const suggestion of next) {
        const { job, error } = await this.trialJob(grid, suggestion);
        if (!(await this.jobs.createIfAbsent(job))) continue; // another process submitted this trial
        this.logger.log(
          `${gridId}: trial ${suggestion.index} (${suggestion.sampler}) ${JSON.stringify(job.spec.varied)}`,
        );
        if (error === undefined) created.push(job);
        else {
          refused++;
          await this.lifecycle.fail(job.jobId, error);
        }
      }
      await this.enqueue(gridId, created);
      if (refused === 0) return;
    }
  }

  private async enqueue(gridId: string, created: TrialJob[]): Promise<void> {
    if (created.length === 0) return;
    try {
      await this.queue.add(created.map((j) => ({ jobId: j.jobId, kind: 'candidate' as const })));
    } catch (err) {
      this.logger.warn(
        `${gridId}: trials recorded but not queued (${(err as Error).message}); the reconciler re-queues them`,
      );
    }
    // Cancelled while these were being created: they go the way of their siblings.
    const grid = await this.jobs.get(gridId);
    if (grid?.state !== 'cancelled') return;
    const ids = new Set(created.map((j) => j.jobId));
    const mine = (await this.jobs.children(gridId)).filter((c) => ids.has(c.jobId));
    await this.lifecycle.cancel(this.queue, mine, 'grid cancelled');
  }

  /** The job of a suggested trial, validated like any candidate; `error` says why it cannot train. */
  private async trialJob(grid: GridJob, s: TrialSuggestion): Promise<{ job: TrialJob; error?: string }> {
    const spec = grid.spec;
    const base: Omit<TrainingSpec, 'params'> = {
      experimentId: spec.experimentId,
      dataset: spec.dataset,
      cleaning: spec.cleaning,
      runName: `${spec.runName ?? grid.jobId}-c${s.index}`,
      ...(grid.runId ? { parentRunId: grid.runId } : {}),
      varied: s.params,
      trial: { strategy: 'bayesian', index: s.index, sampler: s.sampler, history: s.history, pending: s.pending },
    };
    const job = (params: Pick<TrainingSpec, 'params' | 'series'>): TrialJob => ({
      jobId: candidateJobId(grid.jobId, s.index),
      kind: 'candidate',
      parentId: grid.jobId,
      spec: { ...base, ...params },
      runId: null,
    });
    const label = `trial ${s.index} (${JSON.stringify(s.params)})`;
    try {
      return { job: job(await this.validated(spec.dataset.name, { ...spec.params, ...s.params }, label)) };
    } catch (err) {
      if (!(err instanceof TrainingInputError || err instanceof MlflowError)) throw err;
      return { job: job({ params: checkedParams({}) }), error: `not trainable: ${err.message}` };
    }
  }

  private async validated(
    seriesDataset: string | undefined,
    raw: Record<string, unknown>,
    label: string,
  ): Promise<Pick<TrainingSpec, 'params' | 'series'>> {
    if (!seriesDataset) return { params: checkedParams(raw, label) };
    const [series] = await checkedSeriesParams(await this.seriesData.load(seriesDataset), [{ raw, label }]);
    return { params: checkedParams({}), series };
  }
}
