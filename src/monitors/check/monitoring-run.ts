import type { RunsService } from '../../experiments/runs.service';
import type { ModelRegistryStore } from '../../registry/model-registry.store';
import type { ModelVersion } from '../../registry/registry.types';
import type { JobSubmission } from '../../training/job-submission.service';
import type { Metric } from '../../experiments/tracking.types';
import type { CheckReport, Monitor, MonitorState, ScoredDay } from '../monitor.types';

/** MLflow's log-batch takes at most 1000 metrics. */
const BATCH = 1000;

/** Tags that link a monitoring run to its monitor and to the model version it scores. */
export function monitoringRunTags(m: Monitor, version: string, modelRunId: string | null) {
  return [
    { key: 'tsflow.monitor.id', value: m.monitorId },
    { key: 'tsflow.monitor.name', value: m.name },
    { key: 'tsflow.model.name', value: m.modelName },
    { key: 'tsflow.model.version', value: version },
    ...(modelRunId ? [{ key: 'tsflow.model.run_id', value: modelRunId }] : []),
    { key: 'mlflow.note.content', value: `Live monitoring of ${m.modelName} version ${version} by monitor ${m.name}` },
  ];
}

/**
 * Per-day points (step = the day's index since the training end, timestamp = the day) and
 * the check's summary points (timestamp = the check's as_of day), so `metrics/get-history`
 * returns the live error day by day and the skill / drift check by check.
 */
export function checkMetrics(days: readonly ScoredDay[], firstStep: number, r: CheckReport): Metric[] {
  const out: Metric[] = [];
  days.forEach((d, i) => {
    const at = { timestamp: Date.parse(d.date), step: firstStep + i };
    out.push({ key: 'live_abs_error', value: Math.abs(d.actual - d.predicted), ...at });
    out.push({ key: 'naive_abs_error', value: Math.abs(d.actual - d.naive), ...at });
    out.push({ key: 'live_error', value: d.predicted - d.actual, ...at });
  });
  const at = { timestamp: Date.parse(r.as_of), step: r.scoring.scored_days_total };
  const summary: [string, number | null][] = [
    ['live_mae', r.scoring.live_mae],
    ['naive_mae', r.scoring.naive_mae],
    ['live_skill', r.scoring.live_skill],
    ['live_interval_coverage', r.scoring.interval_coverage],
    ['drift_returns_psi', r.drift.returns.psi],
    ['drift_returns_ks', r.drift.returns.ks],
    ['drift_volume_psi', r.drift.volume.psi],
    ['drift_volume_ks', r.drift.volume.ks],
    ['days_since_training', r.days_since_training],
    ['retrain_decision', r.decision === 'retrain' ? 1 : 0],
  ];
  for (const [key, value] of summary) if (value !== null && Number.isFinite(value)) out.push({ key, value, ...at });
  return out;
}

export async function logMetrics(runs: RunsService, runId: string, metrics: Metric[]): Promise<void> {
  for (let i = 0; i < metrics.length; i += BATCH) await runs.logBatch(runId, { metrics: metrics.slice(i, i + BATCH) });
}

/**
 * The monitoring run of a champion version (created by the first check of the version, in the
 * experiment `monitor-<name>`), linked from the version by a `tsflow.monitor.<name>.run_id` tag;
 * returns the state with scoring restarted on it.
 */
export async function openMonitoringRun(
  deps: { runs: RunsService; registry: ModelRegistryStore; submission: JobSubmission },
  m: Monitor,
  version: ModelVersion,
  state: MonitorState,
  trainingEnd: string,
): Promise<MonitorState> {
  const v = String(version.version);
  const experimentId = await deps.submission.experimentId(`monitor-${m.name}`);
  const run = await deps.runs.create({
    experimentId,
    runName: `${m.modelName}-v${v}-live`,
    tags: monitoringRunTags(m, v, version.runId ?? null),
  });
  await deps.registry.setModelVersionTag(m.modelName, version.version, {
    key: `tsflow.monitor.${m.name}.run_id`,
    value: run.info.runId,
  });
  return {
    ...state,
    championVersion: v,
    monitoringRunId: run.info.runId,
    trainingEnd,
    scoredThrough: trainingEnd,
    scoredDays: 0,
    recent: [],
  };
}
