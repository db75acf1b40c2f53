import { randomUUID } from 'node:crypto';
import { Inject, Injectable, MessageEvent } from '@nestjs/common';
import { distinctUntilChanged, from, interval, map, Observable, startWith, switchMap, takeWhile } from 'rxjs';
import { MlflowError } from '../common/mlflow-error';
import { RunsService } from '../experiments/runs.service';
import { validateModelName } from '../registry/registry-validation';
import { SeriesTrainingParams, TrainingParams } from './core';
import { DatasetSpec, PriceDataService } from './data/price-data.service';
import { SeriesDatasetsService } from './data/series-datasets.service';
import { gridToWire } from './dtos/training.mapper';
import { SELECTION_METRIC, SELECTION_METRICS } from './execution/champion-evaluation';
import { JobSubmission } from './job-submission.service';
import { JobLifecycle } from './jobs/job-lifecycle.service';
import { JobQueue } from './jobs/job-queue';
import { CandidateJob, candidateJobId, GridJob, isFinal, NewJob } from './jobs/job.types';
import { TrainingJobsStore } from './jobs/training-jobs.store';
import { trialTags } from './jobs/trial-tags';
import { BayesianScheduler } from './bayesian.scheduler';
import { strategyOf } from './core/search/strategy';
import { GridSearchRequest, planHalving, planParams, searchPlan } from './search-plan';
import { checkedSeriesParams, seriesSpace } from './series-request';
import { checkedParams, datasetSpec, exogenousTickers, paramsObject, trainabilityCheck } from './training-request';
import type { GridSpec, TrainingSpec } from './training.types';

export type { GridSearchRequest } from './search-plan';

const SSE_POLL_MS = 500;

interface Candidate {
  jobId: string;
  varied: Record<string, unknown>;
  params: TrainingParams;
  series?: SeriesTrainingParams;
}

/** Expands and validates every candidate before anything is created or queued. */
function candidates(gridId: string, fixed: Record<string, unknown>, combos: Record<string, unknown>[]): Candidate[] {
  return combos.map((varied, i) => ({
    jobId: candidateJobId(gridId, i),
    varied,
    params: checkedParams({ ...fixed, ...varied }, `candidate ${i} (${JSON.stringify(varied)})`),
  }));
}

function checkedMetric(metric: string): string {
  if (!SELECTION_METRIC.test(metric))
    throw MlflowError.invalid(
      /^test_/.test(metric)
        ? `Invalid metric '${metric}': selecting on test metrics leaks the test period into the choice (the winner's test score becomes optimistic); select on validation: ${SELECTION_METRICS.join(', ')}.`
        : `Invalid metric '${metric}': use ${SELECTION_METRICS.join(', ')}.`,
    );
  return metric;
}

/** Grid searches: a parent run, one child run and one queued job per candidate. */
@Injectable()
export class GridSearchService {
  constructor(
    private readonly submission: JobSubmission,
    private readonly data: PriceDataService,
    private readonly seriesData: SeriesDatasetsService,
    private readonly jobs: TrainingJobsStore,
    private readonly lifecycle: JobLifecycle,
    @Inject(JobQueue) private readonly queue: JobQueue,
    private readonly runs: RunsService,
    private readonly scheduler: BayesianScheduler,
  ) {}

  /** Every check `submit` makes before creating anything (monitors validate their retraining spec with it). */
  async validate(req: GridSearchRequest): Promise<void> {
    await this.prepare(req);
  }

  private async prepare(req: GridSearchRequest) {
    const dataset = datasetSpec(req.dataset);
    if (dataset.name) return this.prepareSeries(req, dataset);
    const metric = checkedMetric(req.metric ?? 'val_mae');
    if (req.promote) validateModelName(req.promote.model_name, 'promote.model_name');
    const plan = searchPlan(req, await this.defaultParallelism(req));
    const fixed = plan.fixed;
    const gridId = `grid-${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const list = candidates(gridId, fixed, plan.combos);
    const halving = planHalving(
      req,
      plan,
      list.map((c) => c.params.epochs),
    );
    const cleaning = req.cleaning ?? 'ffill';
    const data = await this.data.load(dataset);
    // Window length, horizon, split, target, exogenous series and season decide whether the data suffices: check each distinct set once.
    const shapes = new Map(
      list.map((c) => [
        JSON.stringify([
          c.params.seq_length,
          c.params.horizon,
          c.params.train_fraction,
          c.params.val_fraction,
          c.params.train_end,
          c.params.val_end,
          c.params.target,
          c.params.exogenous,
          c.params.seasonal_period,
        ]),
        c.params,
      ]),
    );
    const exo = await this.data.loadExogenous(dataset, exogenousTickers(list.map((c) => c.params)), cleaning);
    const check = trainabilityCheck(data, cleaning, exo);
    for (const params of shapes.values()) check(params);
    return { metric, fixed, gridId, list, cleaning, dataset, plan, halving };
  }

  /**
   * A search on a series dataset: over families (the default families when the space names
   * none) and their params, every candidate checked against the data now; selected on a
   * validation measure (default val_owa). Successive halving has no epochs to halve here.
   */
  private async prepareSeries(req: GridSearchRequest, dataset: DatasetSpec) {
    const metric = checkedMetric(req.metric ?? 'val_owa');
    if (req.strategy === 'halving')
      throw MlflowError.invalid(
        "Strategy 'halving' stops candidates between epochs: use grid or random on a series dataset.",
      );
    if (req.promote) validateModelName(req.promote.model_name, 'promote.model_name');
    const grid = seriesSpace(paramsObject(req.grid, 'grid'), paramsObject(req.params));
    const plan = searchPlan({ ...req, grid }, await this.defaultParallelism(req));
    const gridId = `grid-${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const loaded = await this.seriesData.load(dataset.name as string);
    const series = await checkedSeriesParams(
      loaded,
      plan.combos.map((varied, i) => ({
        raw: { ...plan.fixed, ...varied },
        label: `candidate ${i} (${JSON.stringify(varied)})`,
      })),
    );
    const defaults = checkedParams({});
    const list: Candidate[] = plan.combos.map((varied, i) => ({
      jobId: candidateJobId(gridId, i),
      varied,
      params: defaults,
      series: series[i],
    }));
    return {
      metric,
      fixed: plan.fixed,
      gridId,
      list,
      cleaning: req.cleaning ?? 'ffill',
      dataset,
      plan,
      halving: undefined,
      grid,
    };
  }

  /** bayesian without `parallelism`: as many trials in flight as the queue trains at once, else 2. */
  private async defaultParallelism(req: GridSearchRequest): Promise<number> {
    if (strategyOf(req.strategy) !== 'bayesian' || req.parallelism !== undefined) return 1;
    return (await this.queue.parallelism()) ?? 2;
  }

  async submit(req: GridSearchRequest) {
    const prepared = await this.prepare(req);
    const { metric, fixed, gridId, list, cleaning, dataset, plan, halving } = prepared;
    const space = 'grid' in prepared ? prepared.grid : (req.grid as Record<string, unknown>);
    await this.queue.assertAvailable(); // 503 before anything is created

    const experimentId = await this.submission.experimentId(req.experiment_name);
    const size = plan.bayesian?.budget ?? list.length;
    const parentName = req.run_name ?? `${plan.strategy}-${dataset.ticker}-${size}`;
    const parentRunId = await this.lifecycle.createRun(
      experimentId,
      parentName,
      [
        { key: 'tsflow.job_id', value: gridId },
        { key: 'tsflow.grid.size', value: String(size) },
        { key: 'tsflow.grid.metric', value: metric },
        { key: 'tsflow.search.strategy', value: plan.strategy },
      ],
      'RUNNING',
    );
    await this.runs.logBatch(parentRunId, {
      params: [
        ...Object.entries(space).map(([k, v]) => ({ key: `grid.${k}`, value: JSON.stringify(v) })),
        ...planParams(plan, halving),
      ],
    });
    const gridSpec: GridSpec = {
      experimentId,
      dataset,
      params: fixed,
      grid: space,
      strategy: plan.strategy,
      nCandidates: plan.nCandidates,
      searchSeed: plan.seed,
      halving,
      bayesian: plan.bayesian,
      runName: parentName,
      metric,
      cleaning,
      promote: req.promote
        ? { modelName: req.promote.model_name, policy: req.promote.policy ?? 'if_better' }
        : undefined,
    };
    const records: NewJob[] = [{ jobId: gridId, kind: 'grid', spec: gridSpec, runId: parentRunId }];
    if (plan.bayesian) return this.submitTrials(records[0], parentRunId);
    const out = [];
    for (const [i, c] of list.entries()) {
      const runName = `${parentName}-c${i}`;
      const trial = { strategy: plan.strategy, index: i };
      const runId = await this.lifecycle.createRun(experimentId, runName, [
        { key: 'mlflow.parentRunId', value: parentRunId },
        { key: 'tsflow.job_id', value: c.jobId },
        ...trialTags(trial),
      ]);
      const spec: TrainingSpec = {
        experimentId,
        dataset,
        params: c.params,
        cleaning,
        runName,
        parentRunId,
        varied: c.varied,
        halving,
        trial,
        ...(c.series ? { series: c.series } : {}),
      };
      records.push({ jobId: c.jobId, kind: 'candidate', parentId: gridId, spec, runId });
      out.push({ job_id: c.jobId, run_id: runId, params: c.varied, state: 'queued' as const });
    }
    await this.lifecycle.schedule(
      this.queue,
      records,
      list.map((c) => ({ jobId: c.jobId, kind: 'candidate' as const })),
    );
    return { job_id: gridId, parent_run_id: parentRunId, candidates: out };
  }

  /**
   * A bayesian search: the search is recorded, then the scheduler submits its first trials (the
   * candidates validated above: the same suggestions) and the next ones as these finish. A trial's
   * run is created when it starts.
   */
  private async submitTrials(grid: NewJob, parentRunId: string) {
    await this.lifecycle.schedule(this.queue, [grid], []);
    await this.scheduler.advance(grid.jobId);
    const trials = await this.jobs.children(grid.jobId);
    return {
      job_id: grid.jobId,
      parent_run_id: parentRunId,
      candidates: trials.map((c) => ({ job_id: c.jobId, params: c.spec.varied ?? {}, state: c.state })),
    };
  }

  async get(gridId: string): Promise<{ grid: GridJob; candidates: CandidateJob[] }> {
    const grid = await this.jobs.get(gridId);
    if (!grid || grid.kind !== 'grid') throw MlflowError.notFound(`Grid search '${gridId}' not found`);
    return { grid, candidates: await this.jobs.children(gridId) };
  }

  list(limit: number, offset: number): Promise<GridJob[]> {
    return this.jobs.list('grid', limit, offset);
  }

  /** Queued candidates are dropped; running ones stop at their next epoch (runs KILLED). */
  async cancel(gridId: string): Promise<void> {
    const { grid, candidates } = await this.get(gridId);
    await this.lifecycle.cancelGrid(this.queue, grid, candidates);
  }

  /**
   * The status as server-sent events: one `status` event per change (polled from the
   * database, so any replica can stream any grid), ending after the final state.
   */
  async events(gridId: string): Promise<Observable<MessageEvent>> {
    await this.get(gridId); // 404 before the stream starts
    return interval(SSE_POLL_MS).pipe(
      startWith(0),
      switchMap(() => from(this.get(gridId))),
      map(({ grid, candidates }) => ({ final: isFinal(grid.state), status: gridToWire(grid, candidates) })),
      distinctUntilChanged((a, b) => JSON.stringify(a.status) === JSON.stringify(b.status)),
      takeWhile((s) => !s.final, true),
      map((s) => ({ type: 'status', data: s.status })),
    );
  }
}
