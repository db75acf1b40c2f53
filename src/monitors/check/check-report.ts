import type { ModelVersion } from '../../registry/registry.types';
import type { CleanBar } from '../../training/core';
import type { LoadedDataset } from '../../training/data/price-data.service';
import type { CheckReport, LastCheckSummary, MonitorState, ScoredDay } from '../monitor.types';
import { driftStat, logReturns } from './drift';
import type { WindowSkill } from './live-scoring';

/** Drift of returns and volume: the champion's training split against the latest `window` bars. */
export function trainingDrift(
  bars: readonly CleanBar[],
  train: { first_date: string; last_date: string },
  window: number,
): CheckReport['drift'] {
  const ref = bars.filter((b) => b.date >= train.first_date && b.date <= train.last_date);
  // One bar more than the window: its first return needs the close before it.
  const recent = bars.slice(-(window + 1));
  if (ref.length < 2) throw new Error(`no price data in the training window ${train.first_date}..${train.last_date}`);
  const closes = (bs: readonly CleanBar[]) => bs.map((b) => b.close);
  return {
    reference: { first_date: ref[0].date, last_date: ref[ref.length - 1].date },
    recent: { first_date: (recent[1] ?? recent[0]).date, last_date: recent[recent.length - 1].date },
    returns: driftStat(logReturns(closes(ref)), logReturns(closes(recent))),
    volume: driftStat(
      ref.slice(1).map((b) => b.volume),
      recent.slice(1).map((b) => b.volume),
    ),
  };
}

/** The report of a check before its decision (decided fields start neutral). */
export function checkReport(a: {
  asOf: string;
  data: LoadedDataset;
  bars: readonly CleanBar[];
  version: ModelVersion;
  trainingEnd: string;
  state: MonitorState;
  scored: readonly ScoredDay[];
  skill: WindowSkill;
  drift: CheckReport['drift'];
}): CheckReport {
  return {
    as_of: a.asOf,
    data: {
      source: a.data.source,
      first_date: a.data.bars[0].date,
      last_date: a.data.bars[a.data.bars.length - 1].date,
      bars: a.bars.length,
    },
    champion: {
      version: String(a.version.version),
      run_id: a.version.runId ?? null,
      training_end: a.trainingEnd,
      monitoring_run_id: a.state.monitoringRunId as string,
    },
    scoring: {
      new_days: a.scored.length,
      first_date: a.scored[0]?.date ?? null,
      last_date: a.scored[a.scored.length - 1]?.date ?? null,
      scored_days_total: a.state.scoredDays,
      window_days: a.skill.days,
      live_mae: a.skill.liveMae,
      naive_mae: a.skill.naiveMae,
      live_skill: a.skill.liveSkill,
      // Over the same window as the skill; null for models without intervals (format 1).
      interval_coverage: a.skill.intervalCoverage,
    },
    drift: a.drift,
    days_since_training: 0,
    decision: 'none',
    reasons: [],
    retrain: null,
    previous_retrain: null,
  };
}

/** What the gauges show of a check. */
export function summary(r: CheckReport): LastCheckSummary {
  return {
    asOf: r.as_of,
    liveSkill: r.scoring.live_skill,
    liveMae: r.scoring.live_mae,
    naiveMae: r.scoring.naive_mae,
    daysSinceTraining: r.days_since_training,
    decision: r.decision,
    drift: (['returns', 'volume'] as const).flatMap((feature) =>
      (['psi', 'ks'] as const).map((statistic) => ({ feature, statistic, value: r.drift[feature][statistic] })),
    ),
  };
}
