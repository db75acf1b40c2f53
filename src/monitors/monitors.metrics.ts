import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../common/metrics/metrics.service';
import type { MonitorGaugeRow } from '../common/metrics/monitor-gauges';
import type { Monitor } from './monitor.types';
import { MonitorsStore } from './monitors.store';

export function gaugeRow(m: Monitor): MonitorGaugeRow {
  const s = m.state;
  return {
    monitor: m.name,
    model: m.modelName,
    liveSkill: s.last?.liveSkill ?? null,
    liveMae: s.last?.liveMae ?? null,
    naiveMae: s.last?.naiveMae ?? null,
    drift: s.last?.drift ?? [],
    daysSinceTraining: s.last?.daysSinceTraining ?? null,
    scoredDays: s.scoredDays,
    lastCheckSeconds: s.lastCheckAt === null ? null : s.lastCheckAt / 1000,
    lastCheckOk: s.lastCheckOk ?? null,
    lastDecisionRetrain: s.last ? s.last.decision === 'retrain' : null,
    championVersion: s.championVersion === null ? null : Number(s.championVersion),
  };
}

/** Feeds the monitor gauges of /metrics from the stored monitors on scrape. */
@Injectable()
export class MonitorsMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly store: MonitorsStore,
  ) {}

  onModuleInit(): void {
    this.metrics.useMonitorSources(async () => (await this.store.all()).map(gaugeRow));
  }
}
