import { Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';

/** The latest numbers of one monitor, as the monitors domain reports them on scrape. */
export interface MonitorGaugeRow {
  monitor: string;
  model: string;
  liveSkill: number | null;
  liveMae: number | null;
  naiveMae: number | null;
  drift: { feature: string; statistic: string; value: number }[];
  daysSinceTraining: number | null;
  scoredDays: number;
  /** Unix seconds of the last check (any outcome); null before the first. */
  lastCheckSeconds: number | null;
  lastCheckOk: boolean | null;
  /** 1 = the last successful check decided to retrain. */
  lastDecisionRetrain: boolean | null;
  championVersion: number | null;
}

export type MonitorGaugeSource = () => Promise<MonitorGaugeRow[]>;

type Pick = (r: MonitorGaugeRow) => number | null;

const SIMPLE: [string, string, Pick][] = [
  [
    'tsflow_monitor_live_skill',
    'Live skill of the champion vs persistence (1 - MAE / naive MAE, windowed)',
    (r) => r.liveSkill,
  ],
  ['tsflow_monitor_live_mae', 'Live MAE of the champion over the skill window', (r) => r.liveMae],
  ['tsflow_monitor_naive_mae', 'MAE of the persistence forecast over the same days', (r) => r.naiveMae],
  [
    'tsflow_monitor_days_since_training',
    "Calendar days from the champion's training end to the last check",
    (r) => r.daysSinceTraining,
  ],
  ['tsflow_monitor_scored_days', 'Trading days the current champion has been scored on live', (r) => r.scoredDays],
  ['tsflow_monitor_last_check_timestamp_seconds', 'Unix time of the last check', (r) => r.lastCheckSeconds],
  [
    'tsflow_monitor_last_check_success',
    '1 if the last check succeeded, 0 if it failed',
    (r) => (r.lastCheckOk === null ? null : Number(r.lastCheckOk)),
  ],
  [
    'tsflow_monitor_last_decision_retrain',
    '1 if the last successful check decided to retrain, else 0',
    (r) => (r.lastDecisionRetrain === null ? null : Number(r.lastDecisionRetrain)),
  ],
  ['tsflow_monitor_champion_version', 'Champion version the monitor scores', (r) => r.championVersion],
];

/**
 * Per-monitor gauges read on scrape from the database (through the monitors domain), so
 * every replica reports the same shared truth whichever one ran the check.
 */
export function registerMonitorGauges(registry: Registry, source: () => MonitorGaugeSource | undefined): void {
  const logger = new Logger('MonitorGauges');
  let cached: Promise<MonitorGaugeRow[]> | undefined;
  // One read per scrape, shared by all the gauges collected in it.
  const rows = () => {
    const src = source();
    if (!src) return Promise.resolve([]);
    cached ??= src().finally(() => setTimeout(() => (cached = undefined), 0));
    return cached;
  };
  const labels = ['monitor', 'model'] as const;
  for (const [name, help, pick] of SIMPLE) {
    new Gauge({
      name,
      help,
      labelNames: labels,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const r of await rows()) {
            const v = pick(r);
            if (v !== null && Number.isFinite(v)) this.set({ monitor: r.monitor, model: r.model }, v);
          }
        } catch (err) {
          logger.warn(`monitor gauges unavailable: ${(err as Error).message}`);
        }
      },
    });
  }
  new Gauge({
    name: 'tsflow_monitor_drift',
    help: 'Drift of the inputs between the training window and the recent window (PSI, KS statistic) per feature',
    labelNames: [...labels, 'feature', 'statistic'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const r of await rows())
          for (const d of r.drift)
            if (Number.isFinite(d.value))
              this.set({ monitor: r.monitor, model: r.model, feature: d.feature, statistic: d.statistic }, d.value);
      } catch (err) {
        logger.warn(`monitor drift gauges unavailable: ${(err as Error).message}`);
      }
    },
  });
}
