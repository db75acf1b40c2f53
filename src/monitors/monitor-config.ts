import { MlflowError } from '../common/mlflow-error';
import { Infer } from '../common/proto/fields';
import { MonitorDatasetMsg, RetrainMsg, ScheduleMsg, ThresholdsMsg } from './dtos/monitors.dto';
import type { MonitorDataset, MonitorRetrain, MonitorSchedule, MonitorThresholds } from './monitor.types';
import { ScheduleError, validateSchedule } from './schedule/cron';

type Range = { min: number; max: number; integer?: boolean; exclusiveMin?: boolean };

const RANGES: Record<keyof Infer<typeof ThresholdsMsg>, Range> = {
  min_skill: { min: -10, max: 1 },
  max_psi: { min: 0, max: 10, exclusiveMin: true },
  max_ks: { min: 0, max: 1, exclusiveMin: true },
  retrain_every_days: { min: 1, max: 3650, integer: true },
  max_new_days: { min: 1, max: 10000, integer: true },
  min_scored_days: { min: 1, max: 1000, integer: true },
  skill_window_days: { min: 1, max: 1000, integer: true },
  drift_window_days: { min: 10, max: 1000, integer: true },
  cooldown_days: { min: 0, max: 3650, integer: true },
};

function inRange(name: string, v: number | undefined, r: Range): number | undefined {
  if (v === undefined) return undefined;
  const low = r.exclusiveMin ? v <= r.min : v < r.min;
  if (!Number.isFinite(v) || low || v > r.max || (r.integer && !Number.isInteger(v)))
    throw MlflowError.invalid(
      `Invalid ${name} ${v}: it must be ${r.integer ? 'an integer ' : 'a number '}${r.exclusiveMin ? 'above' : 'from'} ${r.min} to ${r.max}.`,
    );
  return v;
}

export function thresholdsOf(raw: Infer<typeof ThresholdsMsg> = {}): MonitorThresholds {
  const v = Object.fromEntries(
    Object.entries(RANGES).map(([k, r]) => [k, inRange(`thresholds.${k}`, raw[k as keyof typeof RANGES], r)]),
  ) as Infer<typeof ThresholdsMsg>;
  return {
    minSkill: v.min_skill,
    maxPsi: v.max_psi,
    maxKs: v.max_ks,
    retrainEveryDays: v.retrain_every_days,
    maxNewDays: v.max_new_days,
    minScoredDays: v.min_scored_days ?? 5,
    skillWindowDays: v.skill_window_days ?? 20,
    driftWindowDays: v.drift_window_days ?? 60,
    cooldownDays: v.cooldown_days ?? 7,
  };
}

export function scheduleOf(raw: Infer<typeof ScheduleMsg>): MonitorSchedule {
  const s = { cron: raw.cron.trim(), timezone: raw.timezone ?? 'UTC' };
  try {
    validateSchedule(s);
  } catch (err) {
    if (err instanceof ScheduleError) throw MlflowError.invalid(`Invalid schedule: ${err.message}`);
    throw err;
  }
  return s;
}

export function datasetOf(raw: Infer<typeof MonitorDatasetMsg>): MonitorDataset {
  return { ticker: raw.ticker, source: raw.source ?? 'sample', ...(raw.path ? { path: raw.path } : {}) };
}

export function retrainOf(raw: Infer<typeof RetrainMsg> | undefined): MonitorRetrain | undefined {
  if (!raw) return undefined;
  const obj = (v: unknown, name: string) => {
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v)))
      throw MlflowError.invalid(`'retrain.${name}' must be a JSON object.`);
    return v as Record<string, unknown> | undefined;
  };
  return {
    experimentName: raw.experiment_name,
    params: obj(raw.params, 'params') ?? {},
    grid: obj(raw.grid, 'grid') as Record<string, unknown[]> | undefined,
    metric: raw.metric ?? 'val_mae',
    cleaning: raw.cleaning ?? 'interpolate',
    policy: raw.policy ?? 'if_better',
    lookbackDays: inRange('retrain.lookback_days', raw.lookback_days, { min: 30, max: 36500, integer: true }),
  };
}
