import { coveredSteps, mase, maseScale } from '../evaluation/measures';
import type { SeriesDataset } from '../series/series-dataset';
import { masePeriod } from './series-train';
import type { SeriesPredictor } from './series-predictor';

/** Live scores of one series: the model's forecast from the end of its history vs the values that came since. */
export interface SeriesLiveScore {
  series_id: string;
  new_steps: number;
  mase: number | null;
  /** Seasonal naive's MASE on the same steps (the live yardstick). */
  snaive_mase: number | null;
  /** Share of the new steps inside the model's first interval level. */
  coverage: number | null;
}

export interface PanelLiveScore {
  series: SeriesLiveScore[];
  new_steps: number;
  mase: number | null;
  snaive_mase: number | null;
  /** 1 - MASE / seasonal naive's MASE (> 0: the model beats seasonal naive live). */
  skill: number | null;
  coverage: number | null;
  interval_level: number | null;
  /** Series of the dataset the model does not know (not scored). */
  unknown_series: string[];
}

const meanOf = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * Scores a series champion on the values a dataset holds after the end of the model's own
 * history (re-uploaded with new rows): per series, one forecast of up to `maxSteps` steps from
 * the model's origin, MASE scaled by the in-sample history (M4's period of the frequency),
 * seasonal naive on the same steps, and the coverage of the first interval level; then the
 * panel means (MASE) and the pooled coverage.
 */
export function scorePanelLive(p: SeriesPredictor, data: SeriesDataset, maxSteps: number): PanelLiveScore {
  const m = masePeriod(p.flavor.frequency);
  const season = Math.max(1, Math.round(p.flavor.seasonal_periods[0] ?? 1));
  const known = new Set(p.seriesIds);
  const series: SeriesLiveScore[] = [];
  let covered = 0;
  let banded = 0;
  let level: number | null = null;
  for (const s of data.series.filter((x) => known.has(x.id))) {
    const h = p.history(s.id);
    const end = h.timestamps[h.timestamps.length - 1];
    const from = s.timestamps.findIndex((t) => t > end);
    const steps = from < 0 ? 0 : Math.min(maxSteps, s.values.length - from);
    if (steps === 0) {
      series.push({ series_id: s.id, new_steps: 0, mase: null, snaive_mase: null, coverage: null });
      continue;
    }
    const actual = s.values.subarray(from, from + steps);
    // Known covariates of the new steps come with the new rows.
    const future = Object.fromEntries(
      p.knownInputs.map((name) => [name, Array.from(s.covariates[name]?.subarray(from, from + steps) ?? [])]),
    );
    const f = p.forecast(h, steps, undefined, future);
    const n = h.values.length;
    const snaive = Float64Array.from({ length: steps }, (_, k) => h.values[n - season + (k % season)]);
    const scaled = maseScale(h.values, m) > 0;
    const band = f.intervals[0];
    let cov: number | null = null;
    if (band) {
      const hits = coveredSteps(actual, Float64Array.from(band.lower), Float64Array.from(band.upper));
      covered += hits.reduce((a, b) => a + b, 0);
      banded += hits.length;
      cov = hits.reduce((a, b) => a + b, 0) / hits.length;
      level = band.level;
    }
    series.push({
      series_id: s.id,
      new_steps: steps,
      mase: scaled ? mase(h.values, actual, Float64Array.from(f.predictions), m) : null,
      snaive_mase: scaled ? mase(h.values, actual, snaive, m) : null,
      coverage: cov,
    });
  }
  const finite = (k: 'mase' | 'snaive_mase') =>
    series.map((s) => s[k]).filter((v): v is number => v !== null && Number.isFinite(v));
  const live = meanOf(finite('mase'));
  const base = meanOf(finite('snaive_mase'));
  return {
    series,
    new_steps: series.reduce((a, s) => a + s.new_steps, 0),
    mase: live,
    snaive_mase: base,
    skill: live !== null && base !== null && base > 0 ? 1 - live / base : null,
    coverage: banded > 0 ? covered / banded : null,
    interval_level: level,
    unknown_series: data.series.filter((x) => !known.has(x.id)).map((x) => x.id),
  };
}
