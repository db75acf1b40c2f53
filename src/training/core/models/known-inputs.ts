import { TrainingInputError } from '../errors';
import { choiceParam, FamilyParams } from './params';
import type { SeriesHistory, SeriesPanel } from './series-model';

/** Calendar features (`cal_*`) are computed from target timestamps; other known covariates come with the data. */
export const isCalendar = (name: string) => name.startsWith('cal_');

export const COVARIATE_CHOICES = ['known', 'known+calendar', 'none'] as const;

/**
 * The known-in-advance covariates a direct multi-step model reads for its target steps, with
 * the mean and spread of each over the training data (inputs are standardised with them; a
 * missing value reads as the mean). Future values are given at prediction time; the model
 * names a missing one.
 */
export interface KnownInputs {
  names: string[];
  means: number[];
  scales: number[];
}

/** Chooses and measures the covariates from the `covariates` param: declared ones (default), with calendar, or none. */
export function knownInputs(panel: SeriesPanel, params: FamilyParams): KnownInputs {
  const mode = choiceParam(params, 'covariates', COVARIATE_CHOICES, 'known');
  const available = Object.keys(panel.series[0]?.known ?? {});
  const names = mode === 'none' ? [] : available.filter((n) => !isCalendar(n) || mode === 'known+calendar').sort();
  const means: number[] = [];
  const scales: number[] = [];
  for (const name of names) {
    let n = 0;
    let sum = 0;
    let sq = 0;
    for (const s of panel.series)
      for (const v of s.known?.[name] ?? [])
        if (Number.isFinite(v)) {
          n++;
          sum += v;
          sq += v * v;
        }
    const mean = n > 0 ? sum / n : 0;
    const sd = n > 1 ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0;
    means.push(mean);
    scales.push(sd > 1e-12 ? sd : 1);
  }
  return { names, means, scales };
}

/** The declared covariates (not calendar ones) whose future values a caller must give. */
export const requiredKnown = (k: KnownInputs | undefined) => (k?.names ?? []).filter((n) => !isCalendar(n));

/**
 * Writes the standardised values of every covariate for the `steps` target steps into `out`
 * from `offset` (covariate by covariate). `at(name, j)` is the value at target step j; a
 * missing value (NaN, or past the given values) reads as the mean.
 */
export function writeKnown(
  k: KnownInputs,
  steps: number,
  at: (name: string, j: number) => number,
  out: Float64Array,
  offset: number,
): void {
  k.names.forEach((name, c) => {
    for (let j = 0; j < steps; j++) {
      const v = at(name, j);
      out[offset + c * steps + j] = Number.isFinite(v) ? (v - k.means[c]) / k.scales[c] : 0;
    }
  });
}

/** Training: a covariate at target step j of a window ending at `end` of series `s`. */
export const pastKnown = (s: SeriesHistory, end: number) => (name: string, j: number) =>
  s.known?.[name]?.[end + j] ?? NaN;

/**
 * Forecasting: the future values of the request. Each declared covariate needs at least
 * `horizon` values; steps beyond them (up to the model's own horizon) repeat the last one.
 */
export function futureKnown(
  k: KnownInputs,
  future: Record<string, Float64Array> | undefined,
  horizon: number,
): (name: string, j: number) => number {
  const missing = requiredKnown(k).filter((n) => (future?.[n]?.length ?? 0) < horizon);
  if (missing.length > 0)
    throw new TrainingInputError(
      `This model reads known covariates for every forecast step: give ${horizon} future value(s) of ${missing.map((n) => `'${n}'`).join(', ')}.`,
    );
  return (name, j) => {
    const v = future?.[name];
    if (!v || v.length === 0) return NaN;
    return v[Math.min(j, v.length - 1)];
  };
}
