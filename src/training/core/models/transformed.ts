import { TrainingInputError } from '../errors';
import type {
  FittedSeriesModel,
  ForecastRequest,
  SeriesForecast,
  SeriesHistory,
  SeriesModelFamily,
  SeriesPanel,
} from './series-model';

/**
 * Target transforms any family can be trained under (the `transform` param): the family sees
 * the transformed series, and its forecasts and intervals come back on the original scale.
 * - `log`: log y (positive series; quantiles map exactly, the mean becomes the median),
 * - `log1p`: log(1 + y) (counts and demand with zeros),
 * - `diff`: first differences y_t − y_{t−1} (levels rebuilt from the last value; interval
 *   half-widths add in quadrature over the steps, as for independent step errors).
 * Only past values enter the transform of a history: nothing after a forecast origin is read.
 */
export const TRANSFORMS = ['none', 'log', 'log1p', 'diff'] as const;
export type TargetTransform = (typeof TRANSFORMS)[number];

export function parseTransform(raw: unknown): TargetTransform {
  const v = raw ?? 'none';
  if (typeof v !== 'string' || !(TRANSFORMS as readonly string[]).includes(v))
    throw new TrainingInputError(`'transform' must be one of ${TRANSFORMS.join(', ')}, got ${JSON.stringify(v)}.`);
  return v as TargetTransform;
}

const map = (a: Float64Array, f: (v: number) => number) => Float64Array.from(a, (v) => (Number.isNaN(v) ? v : f(v)));

function forward(h: SeriesHistory, t: TargetTransform): SeriesHistory {
  if (t === 'log' || t === 'log1p') {
    const floor = t === 'log' ? 0 : -1;
    const bad = h.values.findIndex((v) => !Number.isNaN(v) && v <= floor);
    if (bad >= 0)
      throw new TrainingInputError(
        `transform '${t}' needs values above ${floor}: series '${h.id.slice(0, 80)}' has ${h.values[bad]} at step ${bad + 1}${t === 'log' ? " (use 'log1p' for series with zeros)" : ''}.`,
      );
    return { ...h, values: map(h.values, t === 'log' ? Math.log : Math.log1p) };
  }
  if (t === 'diff') {
    if (h.values.length < 2)
      throw new TrainingInputError(`transform 'diff' needs at least 2 values in series '${h.id.slice(0, 80)}'.`);
    const values = Float64Array.from({ length: h.values.length - 1 }, (_, i) => h.values[i + 1] - h.values[i]);
    return {
      ...h,
      values,
      timestamps: h.timestamps.subarray(1),
      ...(h.known ? { known: Object.fromEntries(Object.entries(h.known).map(([k, v]) => [k, v.subarray(1)])) } : {}),
    };
  }
  return h;
}

/** The last observed (non-missing) value of a history: the level differences are added to. */
function lastLevel(h: SeriesHistory): number {
  for (let i = h.values.length - 1; i >= 0; i--) if (!Number.isNaN(h.values[i])) return h.values[i];
  throw new TrainingInputError(`series '${h.id.slice(0, 80)}' has no observed value to forecast from.`);
}

function inverse(f: SeriesForecast, t: TargetTransform, history: SeriesHistory): SeriesForecast {
  if (t === 'log' || t === 'log1p') {
    const back = t === 'log' ? Math.exp : Math.expm1;
    return {
      mean: map(f.mean, back),
      intervals: f.intervals.map((i) => ({ level: i.level, lower: map(i.lower, back), upper: map(i.upper, back) })),
    };
  }
  if (t === 'diff') {
    const n = f.mean.length;
    const mean = new Float64Array(n);
    let level = lastLevel(history);
    for (let k = 0; k < n; k++) mean[k] = level += f.mean[k];
    const intervals = f.intervals.map((i) => {
      const lower = new Float64Array(n);
      const upper = new Float64Array(n);
      let down = 0;
      let up = 0;
      for (let k = 0; k < n; k++) {
        down += Math.max(0, f.mean[k] - i.lower[k]) ** 2;
        up += Math.max(0, i.upper[k] - f.mean[k]) ** 2;
        lower[k] = mean[k] - Math.sqrt(down);
        upper[k] = mean[k] + Math.sqrt(up);
      }
      return { level: i.level, lower, upper };
    });
    return { mean, intervals };
  }
  return f;
}

function wrap(inner: FittedSeriesModel, t: TargetTransform): FittedSeriesModel {
  return {
    family: inner.family,
    seriesIds: inner.seriesIds,
    knownInputs: inner.knownInputs,
    forecast(request: ForecastRequest): SeriesForecast {
      const f = inner.forecast({ ...request, history: forward(request.history, t) });
      return inverse(f, t, request.history);
    },
    state: () => inner.state(),
    dispose: () => inner.dispose?.(),
  };
}

/** Every series of `panel` under `transform` (a TrainingInputError names a series it cannot take). */
export function transformPanel(panel: SeriesPanel, transform: TargetTransform): SeriesPanel {
  return { ...panel, series: panel.series.map((s) => forward(s, transform)) };
}

/** `family` trained and served under `transform` ('none' gives the family itself). */
export function withTransform(family: SeriesModelFamily, transform: TargetTransform): SeriesModelFamily {
  if (transform === 'none') return family;
  const panelOf = (p: SeriesPanel): SeriesPanel => transformPanel(p, transform);
  // The validation part continues the training part: its first difference starts from the last training value.
  const continuation = (train: SeriesPanel, part: SeriesPanel): SeriesPanel =>
    transform !== 'diff'
      ? panelOf(part)
      : {
          ...part,
          series: part.series.map((s, i) => {
            const before = train.series[i].values;
            const prev = before.length > 0 ? before[before.length - 1] : NaN;
            return { ...s, values: Float64Array.from(s.values, (v, k) => v - (k === 0 ? prev : s.values[k - 1])) };
          }),
        };
  return {
    name: family.name,
    scope: family.scope,
    async fit(panel, params, context) {
      const validation = context.validation ? continuation(panel, context.validation) : undefined;
      const fitted = await family.fit(panelOf(panel), params, { ...context, validation });
      return wrap(fitted, transform);
    },
    load: (state) => wrap(family.load(state), transform),
  };
}
