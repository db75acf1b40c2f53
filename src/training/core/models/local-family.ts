import { TrainingInputError } from '../errors';
import { FamilyParams } from './params';
import { observedValues } from './observed';
import { FittedSeriesModel, SeriesForecast, SeriesModelFamily, SeriesPanel } from './series-model';

/**
 * A local family fits each series on its own at forecast time (a few milliseconds per series):
 * `fit` only validates the params against the panel and keeps them (with the panel's period)
 * as the model's config, and `forecast` fits the request's history up to its last value. So a
 * local model serves any series, and nothing after the origin can reach its fit.
 */
export interface LocalSpec<C> {
  name: string;
  /** Validated, JSON-serialisable config from the panel and the params (throws TrainingInputError). */
  configure(panel: SeriesPanel, params: FamilyParams): C;
  /** Least observed values a history needs. */
  minLength?(config: C): number;
  forecast(config: C, values: Float64Array, horizon: number, levels: readonly number[]): SeriesForecast;
}

export function localFamily<C>(spec: LocalSpec<C>): SeriesModelFamily {
  const model = (config: C): FittedSeriesModel => ({
    family: spec.name,
    seriesIds: [],
    forecast(request) {
      if (!Number.isInteger(request.horizon) || request.horizon < 1)
        throw new TrainingInputError(`horizon must be a positive integer, got ${request.horizon}`);
      const values = observedValues(request.history.values, spec.minLength?.(config) ?? 1);
      return spec.forecast(config, values, request.horizon, request.levels);
    },
    state: () => ({ family: spec.name, config }),
  });
  return {
    name: spec.name,
    scope: 'local',
    fit: async (panel, params) => model(spec.configure(panel, params)),
    load(state) {
      const s = state as { family?: unknown; config?: unknown } | null;
      if (!s || s.family !== spec.name || typeof s.config !== 'object' || s.config === null)
        throw new TrainingInputError(`not a saved '${spec.name}' model state`);
      return model(s.config as C);
    },
  };
}
