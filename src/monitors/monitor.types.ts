import type { PanelLiveScore } from '../training/core';
import type { CleaningStrategy } from '../training/core';
import type { DataSourceKind } from '../training/data/price-data.service';
import type { PromotionPolicy } from '../training/training.types';

/** Where a monitor reads prices: as in training, without the date range (a check sets it). */
export interface MonitorDataset {
  ticker: string;
  source: DataSourceKind;
  path?: string;
}

export interface MonitorSchedule {
  /** 5 fields (minute precision) or 6 (seconds first), or @daily and friends. */
  cron: string;
  /** IANA time zone the cron expression is read in. */
  timezone: string;
}

/** When a check decides to retrain. Absent = that rule is off. */
export interface MonitorThresholds {
  /** Retrain when the live skill (1 - MAE / persistence MAE, last `skillWindowDays` days) falls below. */
  minSkill?: number;
  /** Retrain when any PSI (returns, volume) exceeds this. */
  maxPsi?: number;
  /** Retrain when any Kolmogorov-Smirnov statistic exceeds this. */
  maxKs?: number;
  /** Retrain when this many calendar days have passed since the champion's training data ended. */
  retrainEveryDays?: number;
  /** Retrain once this many trading days after the champion's training end have been scored. */
  maxNewDays?: number;
  /** Skill rules wait for this many scored days. */
  minScoredDays: number;
  skillWindowDays: number;
  /** Bars of the recent window drift is measured on. */
  driftWindowDays: number;
  /** Calendar days after a retrain before another may be submitted (a candidate that lost must not retrain daily). */
  cooldownDays: number;
}

/** A grid-search body (without dataset, promotion target or dates): what a retrain submits. */
export interface MonitorRetrain {
  experimentName?: string;
  params: Record<string, unknown>;
  /** Absent: a single candidate (the params alone). */
  grid?: Record<string, unknown[]>;
  metric: string;
  cleaning: CleaningStrategy;
  policy: PromotionPolicy;
  /** Calendar days of history up to the check's as_of date the candidate trains on (absent: all). */
  lookbackDays?: number;
}

export interface MonitorConfig {
  dataset: MonitorDataset;
  schedule: MonitorSchedule;
  thresholds: MonitorThresholds;
  retrain?: MonitorRetrain;
}

/** One live-scored day. */
export interface ScoredDay {
  date: string;
  predicted: number;
  actual: number;
  naive: number;
  /** Models with intervals: the level checked (the first the model answers) and whether it held the actual. */
  interval_level?: number;
  covered?: boolean;
}

/** What checks carry forward: which champion is being scored and how far. */
export interface MonitorState {
  championVersion: string | null;
  /** MLflow run holding the live metrics of that champion version. */
  monitoringRunId: string | null;
  trainingEnd: string | null;
  scoredThrough: string | null;
  scoredDays: number;
  /** The latest scored days (bounded), for windowed skill. */
  recent: ScoredDay[];
  /** The latest scheduled tick this monitor ran (ISO time). */
  lastTick: string | null;
  lastCheckAt: number | null;
  /** A retrain submitted by a check and not known to be final yet. */
  pendingRetrain: string | null;
  /** as_of of the check that submitted the latest retrain. */
  lastRetrainAsOf: string | null;
  /** The numbers of the last successful check (gauges) and whether the last check of all succeeded. */
  last: LastCheckSummary | null;
  lastCheckOk: boolean | null;
}

export interface LastCheckSummary {
  asOf: string;
  liveSkill: number | null;
  liveMae: number | null;
  naiveMae: number | null;
  daysSinceTraining: number;
  decision: Decision;
  drift: { feature: 'returns' | 'volume'; statistic: 'psi' | 'ks'; value: number }[];
}

export interface Monitor {
  monitorId: string;
  name: string;
  modelName: string;
  config: MonitorConfig;
  paused: boolean;
  state: MonitorState;
  createdAt: number;
  updatedAt: number;
}

export const CHECK_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];
export const DECISIONS = ['none', 'retrain'] as const;
export type Decision = (typeof DECISIONS)[number];
export type CheckTrigger = 'schedule' | 'manual' | 'missed';

export interface MonitorCheck {
  checkId: string;
  monitorId: string;
  /** Scheduled tick (ISO time) or `manual:<id>`: unique per monitor. */
  tick: string;
  trigger: CheckTrigger;
  status: CheckStatus;
  asOf: string | null;
  decision: Decision | null;
  report: CheckReport | null;
  error: string | null;
  retrainJobId: string | null;
  startedAt: number;
  finishedAt: number | null;
}

export interface DriftStat {
  psi: number;
  ks: number;
  ks_p_value: number;
  reference_n: number;
  recent_n: number;
}

/** The JSON report of one check (also logged as an artifact of the monitoring run). */
export interface CheckReport {
  as_of: string;
  data: { source: string; first_date: string; last_date: string; bars: number };
  champion: { version: string; run_id: string | null; training_end: string; monitoring_run_id: string };
  scoring: {
    new_days: number;
    first_date: string | null;
    last_date: string | null;
    scored_days_total: number;
    window_days: number;
    live_mae: number | null;
    naive_mae: number | null;
    live_skill: number | null;
    interval_coverage: number | null;
  };
  drift: {
    reference: { first_date: string; last_date: string };
    recent: { first_date: string; last_date: string };
    returns: DriftStat;
    volume: DriftStat;
  };
  days_since_training: number;
  decision: Decision;
  reasons: string[];
  retrain: { job_id: string; parent_run_id: string } | null;
  /** The outcome of this monitor's previous retrain, reported by the first check after it ended. */
  previous_retrain: RetrainOutcome | null;
  /** Series champions: live scores per series and over the panel. */
  series?: PanelLiveScore;
}

export interface RetrainOutcome {
  job_id: string;
  state: string;
  promoted: boolean;
  reason: string | null;
  new_version: string | null;
}
