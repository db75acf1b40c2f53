import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { RunsService } from '../../experiments/runs.service';
import { ModelRegistryStore } from '../../registry/model-registry.store';
import { CHAMPION_ALIAS, ModelVersion } from '../../registry/registry.types';
import { ChampionLoader, ForecasterEntry } from '../../serving/champion.loader';
import { ArtifactTransfer } from '../../storage/artifact.transfer';
import { CleanBar, cleanBars, daysBetween } from '../../training/core';
import { PriceDataService } from '../../training/data/price-data.service';
import { GridSearchService } from '../../training/grid-search.service';
import { JobSubmission } from '../../training/job-submission.service';
import { gridOutcome, isFinal } from '../../training/jobs/job.types';
import type {
  CheckReport,
  CheckTrigger,
  Monitor,
  MonitorCheck,
  MonitorState,
  RetrainOutcome,
  ScoredDay,
} from '../monitor.types';
import { MonitorsStore } from '../monitors.store';
import { localDate } from '../schedule/cron';
import { checkReport, summary, trainingDrift } from './check-report';
import { decide } from './decision';
import { errorPlotSvg } from './error-plot';
import { scoreNewDays, windowSkill } from './live-scoring';
import { checkMetrics, logMetrics, openMonitoringRun } from './monitoring-run';
import { retrainRequest } from './retrain-request';
import { SeriesMonitorCheck } from './series-check';

/** Scored days kept in the monitor's state for windowed skill and the plot. */
const RECENT_DAYS = 500;
/** A running check older than this is presumed dead (its process went away mid-check). */
export const RUNNING_STALE_MS = 10 * 60_000;

export const initialState = (): MonitorState => ({
  championVersion: null,
  monitoringRunId: null,
  trainingEnd: null,
  scoredThrough: null,
  scoredDays: 0,
  recent: [],
  lastTick: null,
  lastCheckAt: null,
  pendingRetrain: null,
  lastRetrainAsOf: null,
  last: null,
  lastCheckOk: null,
});

interface Scored {
  state: MonitorState;
  days: ScoredDay[];
  firstStep: number;
}

/**
 * One check of a monitor: refresh the prices up to `as_of`, score the champion on the days
 * it has not been scored on, measure drift, decide, and submit a retrain through the grid
 * search service (promotion by its policy). Whatever fails is recorded as a failed check:
 * nothing here touches the champion, so serving goes on.
 */
@Injectable()
export class MonitorCheckService {
  private readonly logger = new Logger(MonitorCheckService.name);
  /** Checks of one monitor run one after the other in this process (state is read, then written). */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: MonitorsStore,
    private readonly registry: ModelRegistryStore,
    private readonly loader: ChampionLoader,
    private readonly prices: PriceDataService,
    private readonly runs: RunsService,
    private readonly submission: JobSubmission,
    private readonly grids: GridSearchService,
    private readonly transfer: ArtifactTransfer,
    private readonly series: SeriesMonitorCheck,
  ) {}

  /** Claims `tick` and runs the check; undefined when another process claimed it first. */
  async run(monitorId: string, trigger: CheckTrigger, tick: string, asOf?: string): Promise<MonitorCheck | undefined> {
    const claimed = await this.store.claimTick(monitorId, tick, trigger, `chk-${randomUUID().replace(/-/g, '')}`);
    if (!claimed) return undefined;
    const previous = this.chains.get(monitorId) ?? Promise.resolve();
    const done = previous.catch(() => undefined).then(() => this.runClaimed(monitorId, claimed, asOf));
    this.chains.set(monitorId, done);
    try {
      return await done;
    } finally {
      if (this.chains.get(monitorId) === done) this.chains.delete(monitorId);
    }
  }

  private async runClaimed(monitorId: string, claimed: MonitorCheck, asOf?: string): Promise<MonitorCheck | undefined> {
    const { trigger, tick } = claimed;
    const monitor = await this.store.get(monitorId);
    if (!monitor) return undefined;
    // Another process is still checking this monitor (a tick longer than the period): record a skip, not a race.
    const busy = (await this.store.running(monitorId, Date.now() - RUNNING_STALE_MS)).filter(
      (c) => c.checkId !== claimed.checkId && c.startedAt <= claimed.startedAt,
    );
    if (busy.length > 0) {
      await this.store.finishCheck(claimed.checkId, {
        status: 'failed',
        error: `skipped: check ${busy[0].checkId} of this monitor is still running`,
      });
      return this.store.check(claimed.checkId);
    }
    const day = asOf ?? localDate(new Date(), monitor.config.schedule.timezone);
    try {
      const { report, state } = await this.check(monitor, day);
      if (trigger !== 'manual') state.lastTick = tick;
      await this.store.saveState(monitorId, {
        ...state,
        lastCheckAt: Date.now(),
        lastCheckOk: true,
        last: summary(report),
      });
      await this.store.finishCheck(claimed.checkId, {
        status: 'succeeded',
        asOf: day,
        decision: report.decision,
        report,
        retrainJobId: report.retrain?.job_id ?? null,
      });
      this.logger.log(`monitor ${monitor.name} @${day}: ${report.decision} (${report.reasons.join('; ')})`);
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      this.logger.warn(`monitor ${monitor.name} @${day}: check failed: ${message}`);
      const fresh = (await this.store.get(monitorId))?.state ?? monitor.state;
      await this.store.saveState(monitorId, {
        ...fresh,
        lastCheckAt: Date.now(),
        lastCheckOk: false,
        ...(trigger !== 'manual' ? { lastTick: tick } : {}),
      });
      await this.store.finishCheck(claimed.checkId, { status: 'failed', asOf: day, error: message.slice(0, 2000) });
    }
    return this.store.check(claimed.checkId);
  }

  private async check(m: Monitor, asOf: string): Promise<{ report: CheckReport; state: MonitorState }> {
    const version = await this.registry.getVersionByAlias(m.modelName, CHAMPION_ALIAS);
    if (!version) throw new Error(`registered model '${m.modelName}' has no champion to monitor`);
    const entry = await this.loader.loadTsflow(version);
    try {
      return await this.checkWith(m, asOf, version, entry);
    } finally {
      entry.model.dispose();
    }
  }

  private async checkWith(m: Monitor, asOf: string, version: ModelVersion, entry: ForecasterEntry) {
    if (entry.model.series) return this.series.check(m, asOf, version, entry);
    const predictor = entry.model.predictor;
    const data = await this.prices.load({ ...m.config.dataset, end_date: asOf });
    const { bars } = cleanBars(data.bars, { strategy: entry.model.dataset.cleaning });
    const pre = predictor.preprocessing;
    const trainingEnd = pre.data_range.last_date;
    const scored = await this.score(m, version, entry, bars, trainingEnd);
    const { state } = scored;
    const t = m.config.thresholds;
    const skill = windowSkill(state.recent, t.skillWindowDays);
    const drift = trainingDrift(bars, pre.split.train, t.driftWindowDays);
    const previous = await this.retrainOutcome(state.pendingRetrain);
    if (previous) state.pendingRetrain = null;
    const daysSinceTraining = daysBetween(trainingEnd, asOf);
    const { decision, reasons } = decide({
      thresholds: t,
      daysSinceTraining,
      scoredDays: state.scoredDays,
      liveSkill: skill.liveSkill,
      skillWindowDays: t.skillWindowDays,
      drift,
      retrainPending: state.pendingRetrain,
      daysSinceRetrain: state.lastRetrainAsOf ? daysBetween(state.lastRetrainAsOf, asOf) : null,
      canRetrain: m.config.retrain !== undefined,
    });
    const report = checkReport({ asOf, data, bars, version, trainingEnd, state, scored: scored.days, skill, drift });
    Object.assign(report, {
      days_since_training: daysSinceTraining,
      decision,
      reasons,
      previous_retrain: previous ?? null,
    });
    if (decision === 'retrain') {
      const sub = await this.grids.submit(retrainRequest(m, asOf));
      report.retrain = { job_id: sub.job_id, parent_run_id: sub.parent_run_id };
      state.pendingRetrain = sub.job_id;
      state.lastRetrainAsOf = asOf;
    }
    await this.record(m, state, scored, report);
    return { report, state };
  }

  /** Scores the days after what this champion version was last scored on (a new champion starts a new run). */
  private async score(
    m: Monitor,
    version: ModelVersion,
    entry: ForecasterEntry,
    bars: CleanBar[],
    trainingEnd: string,
  ): Promise<Scored> {
    let state: MonitorState = { ...m.state, recent: [...m.state.recent] };
    const v = String(version.version);
    if (state.championVersion !== v || !state.monitoringRunId) {
      state = await openMonitoringRun(
        { runs: this.runs, registry: this.registry, submission: this.submission },
        m,
        version,
        state,
        trainingEnd,
      );
    }
    const days = scoreNewDays(entry.model.predictor, bars, state.scoredThrough ?? trainingEnd);
    const firstStep = state.scoredDays;
    if (days.length > 0) {
      state.scoredThrough = days.at(-1)!.date;
      state.scoredDays += days.length;
      state.recent = [...state.recent, ...days].slice(-RECENT_DAYS);
    }
    return { state, days, firstStep };
  }

  /** How the pending retrain ended (undefined: none pending, or still running); a vanished one counts as ended. */
  private async retrainOutcome(jobId: string | null): Promise<RetrainOutcome | undefined> {
    if (!jobId) return undefined;
    const gone = {
      job_id: jobId,
      state: 'unknown',
      promoted: false,
      reason: 'retrain job not found',
      new_version: null,
    };
    const found = await this.grids.get(jobId).catch(() => undefined);
    if (!found) return gone;
    if (!isFinal(found.grid.state)) return undefined;
    const p = gridOutcome(found.grid)?.promotion ?? null;
    return {
      job_id: jobId,
      state: found.grid.state,
      promoted: p?.promoted ?? false,
      reason: p?.reason ?? found.grid.error ?? null,
      new_version: p?.new_version ?? null,
    };
  }

  private async record(m: Monitor, state: MonitorState, scored: Scored, report: CheckReport): Promise<void> {
    const runId = state.monitoringRunId as string;
    await logMetrics(this.runs, runId, checkMetrics(scored.days, scored.firstStep, report));
    const run = await this.runs.get(runId);
    const base = `monitor/checks/${report.as_of}`;
    await this.transfer.writeText(run.info.artifactUri, `${base}/report.json`, JSON.stringify(report, null, 2));
    const title = `${m.modelName} v${report.champion.version}: live |error| vs persistence (${m.name})`;
    await this.transfer.writeText(run.info.artifactUri, `${base}/live_error.svg`, errorPlotSvg(title, state.recent));
  }
}
