import { Injectable } from '@nestjs/common';
import { RunsService } from '../../experiments/runs.service';
import { ModelRegistryStore } from '../../registry/model-registry.store';
import type { ModelVersion } from '../../registry/registry.types';
import type { ForecasterEntry } from '../../serving/champion.loader';
import { ArtifactTransfer } from '../../storage/artifact.transfer';
import { formatTimestamp, scorePanelLive, SeriesPredictor } from '../../training/core';
import { SeriesDatasetsService } from '../../training/data/series-datasets.service';
import { JobSubmission } from '../../training/job-submission.service';
import type { CheckReport, DriftStat, Monitor, MonitorState } from '../monitor.types';
import { decide } from './decision';
import { checkMetrics, logMetrics, openMonitoringRun } from './monitoring-run';

/** Series models have no price drift: the drift section reports nothing measured (n = 0). */
const NO_DRIFT: DriftStat = { psi: 0, ks: 0, ks_p_value: 1, reference_n: 0, recent_n: 0 };

/**
 * A check of a monitor whose champion is a series model: its dataset (the monitor's
 * `dataset.ticker` names the series dataset, re-uploaded with new rows) is scored per series
 * after the end of the model's history — MASE, seasonal naive's MASE on the same steps, and
 * interval coverage — and over the panel; the live skill against seasonal naive drives the
 * decision. Metrics go to the monitoring run (per series as `live_mase.<series_id>`).
 */
@Injectable()
export class SeriesMonitorCheck {
  constructor(
    private readonly data: SeriesDatasetsService,
    private readonly runs: RunsService,
    private readonly submission: JobSubmission,
    private readonly registry: ModelRegistryStore,
    private readonly transfer: ArtifactTransfer,
  ) {}

  async check(m: Monitor, asOf: string, version: ModelVersion, entry: ForecasterEntry) {
    const p = entry.model.series as SeriesPredictor;
    const loaded = await this.data.load(m.config.dataset.ticker);
    const live = scorePanelLive(p, loaded.dataset, p.flavor.horizon);
    const ends = p.seriesIds.map((id) => p.history(id).timestamps.at(-1) as number);
    const trainingEnd = formatTimestamp(Math.max(...ends), true);
    const state = await this.monitoringRun(m, version, trainingEnd);
    state.scoredDays = live.new_steps;
    state.scoredThrough = loaded.description.last_timestamp;
    const t = m.config.thresholds;
    const drift = { returns: NO_DRIFT, volume: NO_DRIFT };
    const { decision, reasons } = decide({
      thresholds: t,
      daysSinceTraining: Math.max(0, Math.round((Date.parse(asOf) - Date.parse(trainingEnd)) / 86_400_000)),
      scoredDays: live.new_steps,
      liveSkill: live.skill,
      skillWindowDays: p.flavor.horizon,
      drift,
      retrainPending: null,
      daysSinceRetrain: null,
      // Retraining a series champion is a new search on the re-uploaded dataset (POST grid-searches).
      canRetrain: false,
    });
    const d = loaded.description;
    const report: CheckReport = {
      as_of: asOf,
      data: { source: d.name, first_date: d.first_timestamp, last_date: d.last_timestamp, bars: d.rows },
      champion: {
        version: String(version.version),
        run_id: version.runId ?? null,
        training_end: trainingEnd,
        monitoring_run_id: state.monitoringRunId as string,
      },
      scoring: {
        new_days: live.new_steps,
        first_date: null,
        last_date: live.new_steps > 0 ? d.last_timestamp : null,
        scored_days_total: live.new_steps,
        window_days: p.flavor.horizon,
        live_mae: null,
        naive_mae: null,
        live_skill: live.skill,
        interval_coverage: live.coverage,
      },
      drift: { reference: { first_date: '', last_date: '' }, recent: { first_date: '', last_date: '' }, ...drift },
      days_since_training: 0,
      decision,
      reasons,
      retrain: null,
      previous_retrain: null,
      series: live,
    };
    await this.record(state.monitoringRunId as string, report);
    return { report, state };
  }

  /** The monitoring run of this champion version (created by the first check of the version). */
  private async monitoringRun(m: Monitor, version: ModelVersion, trainingEnd: string): Promise<MonitorState> {
    const v = String(version.version);
    if (m.state.championVersion === v && m.state.monitoringRunId) return { ...m.state, recent: [] };
    return await openMonitoringRun(
      { runs: this.runs, registry: this.registry, submission: this.submission },
      m,
      version,
      m.state,
      trainingEnd,
    );
  }

  private async record(runId: string, report: CheckReport): Promise<void> {
    const live = report.series!;
    const at = { timestamp: Date.parse(report.as_of), step: live.new_steps };
    const metrics = checkMetrics([], 0, report);
    for (const [key, value] of [
      ['live_mase', live.mase],
      ['live_snaive_mase', live.snaive_mase],
    ] as const)
      if (value !== null && Number.isFinite(value)) metrics.push({ key, value, ...at });
    for (const s of live.series)
      if (s.mase !== null && Number.isFinite(s.mase))
        metrics.push({ key: `live_mase.${s.series_id}`, value: s.mase, ...at });
    await logMetrics(this.runs, runId, metrics);
    const run = await this.runs.get(runId);
    await this.transfer.writeText(
      run.info.artifactUri,
      `monitor/checks/${report.as_of}/report.json`,
      JSON.stringify(report, null, 2),
    );
  }
}
