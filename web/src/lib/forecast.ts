/** Forecast vs actual from /predict's date form, and its skill against persistence (unit-tested in forecast.spec.ts). */
export interface ForecastPoint {
  date: string;
  predicted: number;
  actual?: number;
  lower?: number;
  upper?: number;
  /** Nominal coverage of lower/upper (tsflow's `intervals`: the first, narrowest level). */
  level?: number;
}

type Raw = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Accepts tsflow's `intervals: [{level, lower, upper}, ...]` (the first level is drawn), or
 * `lower`/`upper`, or an `interval: {lower, upper}` (or `[lo, hi]`) when the model gives intervals.
 */
export function toForecastPoints(predictions: unknown[]): ForecastPoint[] {
  return predictions
    .filter((p): p is Raw => typeof p === 'object' && p !== null && typeof (p as Raw).date === 'string')
    .map((p) => {
      const levels = Array.isArray(p.intervals) ? (p.intervals as Raw[]) : [];
      const interval = (levels[0] ?? p.interval ?? p.prediction_interval) as Raw | number[] | undefined;
      const lo = Array.isArray(interval) ? interval[0] : interval?.lower;
      const hi = Array.isArray(interval) ? interval[1] : interval?.upper;
      return {
        date: p.date as string,
        predicted: Number(p.predicted),
        actual: num(p.actual),
        lower: num(p.lower ?? lo),
        upper: num(p.upper ?? hi),
        ...(levels[0] ? { level: num(levels[0].level) } : {}),
      };
    })
    .sort((a, b) => a.date.localeCompare(b.date));
}

export interface Skill {
  n: number;
  maeModel: number;
  maePersistence: number;
  /** 1 - mae_model / mae_persistence: > 0 beats persistence (tsflow's test_skill definition). */
  skill: number;
  coverage?: number;
}

/**
 * Persistence forecasts each day with the previous day's actual, so the first point (and any
 * point after a missing actual) has no baseline and is left out of both MAEs.
 */
export function skillAgainstPersistence(points: ForecastPoint[]): Skill | undefined {
  let n = 0;
  let model = 0;
  let naive = 0;
  let inside = 0;
  let withInterval = 0;
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1].actual;
    const p = points[i];
    if (p.actual === undefined || prev === undefined) continue;
    n++;
    model += Math.abs(p.predicted - p.actual);
    naive += Math.abs(prev - p.actual);
    if (p.lower !== undefined && p.upper !== undefined) {
      withInterval++;
      if (p.actual >= p.lower && p.actual <= p.upper) inside++;
    }
  }
  if (n === 0) return undefined;
  const maeModel = model / n;
  const maePersistence = naive / n;
  return {
    n,
    maeModel,
    maePersistence,
    skill: maePersistence === 0 ? NaN : 1 - maeModel / maePersistence,
    coverage: withInterval ? inside / withInterval : undefined,
  };
}
