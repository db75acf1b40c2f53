import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { Infer } from '../common/proto/fields';
import { RunsService } from '../experiments/runs.service';
import { validateModelName } from '../registry/registry-validation';
import { TrainingParams } from './core';
import { expandGrid } from './core/grid';
import { PriceDataService } from './data/price-data.service';
import { GridSearchReq } from './dtos/training.dto';
import { SELECTION_METRIC } from './execution/champion-evaluation';
import { JobSubmission } from './job-submission.service';
import { JobQueue } from './jobs/job-queue';
import { FINAL_STATES, JobRecord, NewJob } from './jobs/job.types';
import { TrainingJobsStore } from './jobs/training-jobs.store';
import { checkedParams, datasetSpec, paramsObject, trainabilityCheck } from './training-request';
import type { GridSpec, TrainingSpec } from './training.types';

export type GridSearchRequest = Infer<typeof GridSearchReq>;

interface Candidate {
  jobId: string;
  varied: Record<string, unknown>;
  params: TrainingParams;
}

/** Expands and validates every candidate before anything is created or queued. */
function candidates(gridId: string, fixed: Record<string, unknown>, combos: Record<string, unknown>[]): Candidate[] {
  return combos.map((varied, i) => ({
    jobId: `${gridId}-c${String(i).padStart(4, '0')}`,
    varied,
    params: checkedParams({ ...fixed, ...varied }, `candidate ${i} (${JSON.stringify(varied)})`),
  }));
}

/** Grid searches: a parent run, one child run and one queued job per candidate. */
@Injectable()
export class GridSearchService {
  constructor(
    private readonly submission: JobSubmission,
    private readonly data: PriceDataService,
    private readonly jobs: TrainingJobsStore,
    private readonly queue: JobQueue,
    private readonly runs: RunsService,
  ) {}

  async submit(req: GridSearchRequest) {
    const metric = req.metric ?? 'val_mae';
    if (!SELECTION_METRIC.test(metric))
      throw MlflowError.invalid(
        `Invalid metric '${metric}': use val_mae, val_rmse, val_mape, test_mae, test_rmse, test_mape or test_skill.`,
      );
    if (req.promote) validateModelName(req.promote.model_name, 'promote.model_name');
    const fixed = paramsObject(req.params);
    const gridId = `grid-${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const list = candidates(gridId, fixed, expandGrid(paramsObject(req.grid, 'grid')));
    const cleaning = req.cleaning ?? 'interpolate';
    const dataset = datasetSpec(req.dataset);
    const data = await this.data.load(dataset);
    // Only window length, horizon and split decide whether the data suffices: check each distinct one once.
    const shapes = new Map(
      list.map((c) => [
        JSON.stringify([
          c.params.seq_length,
          c.params.horizon,
          c.params.train_fraction,
          c.params.val_fraction,
          c.params.train_end,
          c.params.val_end,
        ]),
        c.params,
      ]),
    );
    const check = trainabilityCheck(data, cleaning);
    for (const params of shapes.values()) check(params);
    await this.queue.assertAvailable(); // 503 before anything is created

    const experimentId = await this.submission.experimentId(req.experiment_name);
    const parentName = req.run_name ?? `grid-${dataset.ticker}-${list.length}`;
    const parentRunId = await this.submission.scheduledRun(experimentId, parentName, [
      { key: 'tsflow.job_id', value: gridId },
      { key: 'tsflow.grid.size', value: String(list.length) },
      { key: 'tsflow.grid.metric', value: metric },
    ]);
    await this.runs.update(parentRunId, { status: 'RUNNING' });
    await this.runs.logBatch(parentRunId, {
      params: Object.entries(req.grid as object).map(([k, v]) => ({ key: `grid.${k}`, value: JSON.stringify(v) })),
    });
    const gridSpec: GridSpec = {
      experimentId,
      dataset,
      params: fixed,
      grid: req.grid as Record<string, unknown[]>,
      metric,
      cleaning,
      promote: req.promote
        ? { modelName: req.promote.model_name, policy: req.promote.policy ?? 'if_better' }
        : undefined,
    };
    const records: NewJob[] = [{ jobId: gridId, kind: 'grid', spec: gridSpec as never, runId: parentRunId }];
    const out = [];
    for (const [i, c] of list.entries()) {
      const runName = `${parentName}-c${i}`;
      const runId = await this.submission.scheduledRun(experimentId, runName, [
        { key: 'mlflow.parentRunId', value: parentRunId },
        { key: 'tsflow.job_id', value: c.jobId },
      ]);
      const spec: TrainingSpec = {
        experimentId,
        dataset,
        params: c.params,
        cleaning,
        runName,
        parentRunId,
        varied: c.varied,
      };
      records.push({ jobId: c.jobId, kind: 'candidate', parentId: gridId, spec: spec as never, runId });
      out.push({ job_id: c.jobId, run_id: runId, params: c.varied, state: 'queued' as const });
    }
    await this.submission.enqueue(
      records,
      list.map((c) => ({ jobId: c.jobId, kind: 'candidate' as const })),
    );
    return { job_id: gridId, parent_run_id: parentRunId, candidates: out };
  }

  async get(gridId: string): Promise<{ grid: JobRecord; candidates: JobRecord[] }> {
    const grid = await this.jobs.get(gridId);
    if (!grid || grid.kind !== 'grid') throw MlflowError.notFound(`Grid search '${gridId}' not found`);
    return { grid, candidates: await this.jobs.children(gridId) };
  }

  list(limit: number, offset: number): Promise<JobRecord[]> {
    return this.jobs.list('grid', limit, offset);
  }

  /** Queued candidates are dropped; running ones stop at their next epoch (runs KILLED). */
  async cancel(gridId: string): Promise<void> {
    const { grid, candidates: children } = await this.get(gridId);
    if (FINAL_STATES.includes(grid.state)) return;
    await this.jobs.transition(gridId, ['queued', 'running'], 'cancelled', { error: 'cancelled by user' });
    await this.submission.cancel(children, 'grid cancelled');
    // With a candidate still running, the finalizer KILLs the parent when that candidate stops.
    if (!children.some((c) => c.state === 'running') && grid.runId) await this.submission.killRun(grid.runId);
  }
}
