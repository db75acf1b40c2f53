import type { Monitor, MonitorCheck } from '../monitor.types';
import { nextTick } from '../schedule/cron';

export function checkToWire(c: MonitorCheck) {
  return {
    check_id: c.checkId,
    trigger: c.trigger,
    tick: c.tick.startsWith('manual:') ? null : c.tick,
    status: c.status,
    as_of: c.asOf,
    decision: c.decision,
    reasons: c.report?.reasons ?? [],
    error: c.error,
    retrain_job_id: c.retrainJobId,
    started_at: c.startedAt,
    finished_at: c.finishedAt,
    report: c.report,
  };
}

export function monitorToWire(m: Monitor, checks?: MonitorCheck[]) {
  const t = m.config.thresholds;
  const r = m.config.retrain;
  const s = m.state;
  return {
    monitor_id: m.monitorId,
    name: m.name,
    model_name: m.modelName,
    dataset: m.config.dataset,
    schedule: m.config.schedule,
    thresholds: {
      min_skill: t.minSkill ?? null,
      max_psi: t.maxPsi ?? null,
      max_ks: t.maxKs ?? null,
      retrain_every_days: t.retrainEveryDays ?? null,
      max_new_days: t.maxNewDays ?? null,
      min_scored_days: t.minScoredDays,
      skill_window_days: t.skillWindowDays,
      drift_window_days: t.driftWindowDays,
      cooldown_days: t.cooldownDays,
    },
    retrain: r
      ? {
          experiment_name: r.experimentName ?? null,
          params: r.params,
          grid: r.grid ?? null,
          metric: r.metric,
          cleaning: r.cleaning,
          policy: r.policy,
          lookback_days: r.lookbackDays ?? null,
        }
      : null,
    paused: m.paused,
    state: {
      champion_version: s.championVersion,
      monitoring_run_id: s.monitoringRunId,
      training_end: s.trainingEnd,
      scored_through: s.scoredThrough,
      scored_days: s.scoredDays,
      pending_retrain: s.pendingRetrain,
      last_retrain_as_of: s.lastRetrainAsOf ?? null,
      last_tick: s.lastTick,
    },
    last_check_at: s.lastCheckAt,
    next_check_at: m.paused ? null : nextTick(m.config.schedule, new Date()).getTime(),
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    ...(checks ? { last_check: checks[0] ? checkToWire(checks[0]) : null, checks: checks.map(checkToWire) } : {}),
  };
}
