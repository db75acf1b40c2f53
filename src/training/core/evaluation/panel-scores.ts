import { coveredSteps, mase, maseScale, msis, owa, smape } from './measures';
import { SeriesForecast } from '../models/series-model';

/** The scores of one forecast at one origin of one series, next to Naive2's on the same origin. */
export interface OriginScore {
  seriesId: string;
  /** Index of the first forecast step in the series. */
  origin: number;
  smape: number;
  mase: number;
  naive2Smape: number;
  naive2Mase: number;
  owa: number;
  /** MSIS of the 95% interval when the forecast has one. */
  msis?: number;
  /** Per level: 1/0 per horizon step. */
  covered: Record<string, Float64Array>;
}

export interface PanelScore {
  forecasts: number;
  /** Means over every series and origin, as M4 reports them. */
  smape: number;
  mase: number;
  naive2Smape: number;
  naive2Mase: number;
  /** M4's OWA of the panel: 0.5·(mean sMAPE / Naive2's mean sMAPE + mean MASE / Naive2's mean MASE). */
  owa: number;
  msis?: number;
  /** Per level (as a string, e.g. "0.8"): the share of actuals inside the interval per horizon step. */
  coverage: Record<string, number[]>;
  /** Per level: over all steps. */
  coverageAll: Record<string, number>;
}

export const MSIS_LEVEL = 0.95;

/** Scores `forecast` and the Naive2 `baseline` of the same origin against `actual`; `m` is the MASE period. */
export function scoreOrigin(
  seriesId: string,
  insample: Float64Array,
  actual: Float64Array,
  forecast: SeriesForecast,
  baseline: SeriesForecast,
  m: number,
): OriginScore {
  const s = smape(actual, forecast.mean);
  const scale = maseScale(insample, m);
  const a = mase(insample, actual, forecast.mean, m);
  const s0 = smape(actual, baseline.mean);
  const a0 = mase(insample, actual, baseline.mean, m);
  const covered: Record<string, Float64Array> = {};
  let msisValue: number | undefined;
  for (const interval of forecast.intervals) {
    covered[String(interval.level)] = coveredSteps(actual, interval.lower, interval.upper);
    if (Math.abs(interval.level - MSIS_LEVEL) < 1e-9)
      msisValue = msis(insample, actual, interval.lower, interval.upper, m, 1 - MSIS_LEVEL);
  }
  return {
    seriesId,
    origin: insample.length,
    smape: s,
    mase: scale > 0 ? a : NaN,
    naive2Smape: s0,
    naive2Mase: scale > 0 ? a0 : NaN,
    owa: owa(s, a, s0, a0),
    msis: msisValue,
    covered,
  };
}

const mean = (xs: number[]): number => {
  const finite = xs.filter(Number.isFinite);
  return finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN;
};

/** M4's aggregation over a panel (series whose MASE scale is 0 — constant history — are left out of the MASE means). */
export function panelScore(scores: OriginScore[]): PanelScore {
  const s = mean(scores.map((x) => x.smape));
  const a = mean(scores.map((x) => x.mase));
  const s0 = mean(scores.map((x) => x.naive2Smape));
  const a0 = mean(scores.map((x) => x.naive2Mase));
  const coverage: Record<string, number[]> = {};
  const coverageAll: Record<string, number> = {};
  const levels = new Set(scores.flatMap((x) => Object.keys(x.covered)));
  for (const level of levels) {
    const rows = scores.map((x) => x.covered[level]).filter((r) => r !== undefined);
    const horizon = Math.max(...rows.map((r) => r.length));
    coverage[level] = Array.from({ length: horizon }, (_, h) => mean(rows.map((r) => r[h])));
    coverageAll[level] = mean(rows.flatMap((r) => Array.from(r)));
  }
  const msisValues = scores.map((x) => x.msis).filter((v): v is number => v !== undefined);
  return {
    forecasts: scores.length,
    smape: s,
    mase: a,
    naive2Smape: s0,
    naive2Mase: a0,
    owa: owa(s, a, s0, a0),
    msis: msisValues.length > 0 ? mean(msisValues) : undefined,
    coverage,
    coverageAll,
  };
}
