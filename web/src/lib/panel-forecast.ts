/** A series model's forecast beside its history and the seasonal-naive baseline (unit-tested in panel-forecast.spec.ts). */

/** GET /api/v1/models/{name}/champion/history */
export interface SeriesHistoryAnswer {
  series_id: string;
  frequency: string;
  seasonal_periods: number[];
  length: number;
  timestamps: string[];
  values: (number | null)[];
}

/** POST /predict with series_id */
export interface SeriesForecastAnswer {
  model: { name: string; version: string; backend?: string };
  series_id: string;
  timestamps: string[];
  predictions: number[];
  intervals: { level: number; lower: number; upper: number }[][];
}

/**
 * The period of the baseline, as the server's seasonal_naive family picks it: the shortest
 * seasonal period of the panel (rounded: 365.25 is not a lag), 1 (naive) when there is none.
 */
export function baselinePeriod(seasonalPeriods: readonly number[]): number {
  const p = seasonalPeriods.filter((x) => Number.isFinite(x) && x >= 1).sort((a, b) => a - b)[0];
  return p === undefined ? 1 : Math.max(1, Math.round(p));
}

/**
 * Seasonal naive from the end of `history`: step h repeats the value one period earlier,
 * ŷ_{n+h} = y_{n−m+((h−1) mod m)} (the server's seasonalRandomWalk); naive when the history is
 * shorter than a period. A missing value stays missing (null) rather than being invented.
 */
export function seasonalNaive(history: readonly (number | null)[], period: number, horizon: number): (number | null)[] {
  const n = history.length;
  if (n === 0) return new Array<null>(horizon).fill(null);
  const lag = n >= period ? period : 1;
  return Array.from({ length: horizon }, (_, h) => history[n - lag + (h % lag)] ?? null);
}

/** The interval at `level` (0.8 by default), else the narrowest one given, per step. */
export function intervalAt(
  intervals: SeriesForecastAnswer['intervals'],
  level = 0.8,
): { level?: number; lower: (number | null)[]; upper: (number | null)[] } {
  const levels = intervals[0]?.map((i) => i.level) ?? [];
  const chosen = levels.includes(level) ? level : [...levels].sort((a, b) => a - b)[0];
  const pick = (k: number) => intervals[k]?.find((i) => i.level === chosen);
  return {
    level: chosen,
    lower: intervals.map((_, k) => pick(k)?.lower ?? null),
    upper: intervals.map((_, k) => pick(k)?.upper ?? null),
  };
}

/** Seconds since the epoch of a served timestamp ('2024-04-09' is midnight UTC, as the server means it). */
export function toSeconds(ts: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(ts) ? `${ts}T00:00:00Z` : ts);
  return ms / 1000;
}

export interface PanelChartData {
  x: number[];
  history: (number | null)[];
  forecast: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
  baseline: (number | null)[];
  level?: number;
  period: number;
}

/**
 * One x axis for history then forecast. The forecast and the baseline start at the last
 * observed point so their lines join the history instead of floating after a gap.
 */
export function panelChartData(history: SeriesHistoryAnswer, forecast: SeriesForecastAnswer): PanelChartData {
  const period = baselinePeriod(history.seasonal_periods);
  const base = seasonalNaive(history.values, period, forecast.predictions.length);
  const band = intervalAt(forecast.intervals);
  const n = history.values.length;
  const h = forecast.predictions.length;
  const last = n > 0 ? history.values[n - 1] : null;
  const pad = (k: number) => new Array<null>(k).fill(null);
  const joined = (values: (number | null)[]) => [...pad(Math.max(0, n - 1)), ...(n > 0 ? [last] : []), ...values];
  return {
    x: [...history.timestamps, ...forecast.timestamps].map(toSeconds),
    history: [...history.values, ...pad(h)],
    forecast: joined(forecast.predictions),
    lower: [...pad(n), ...band.lower],
    upper: [...pad(n), ...band.upper],
    baseline: joined(base),
    level: band.level,
    period,
  };
}

/** Future covariate values typed as "1, 0, 1": one per step, the last one repeated to the horizon. */
export function expandKnown(text: string, horizon: number): number[] {
  const given = text
    .split(/[\s,;]+/)
    .filter((v) => v !== '')
    .map(Number);
  if (given.length === 0) return [];
  return Array.from({ length: horizon }, (_, k) => given[Math.min(k, given.length - 1)]);
}
