import {
  modelFamily,
  SeriesTrainingParams,
  splitPanel,
  toPanel,
  TrainingInputError,
  transformPanel,
  validateSeriesParams,
  withTransform,
} from './core';
import type { LoadedSeriesDataset } from './data/series-datasets.service';

/** Families a search tries when its space names none (`model` absent from the grid). */
export const DEFAULT_SEARCH_FAMILIES = ['seasonal_naive', 'ses', 'theta', 'ets', 'mstl', 'ensemble'];

/**
 * Checks the params of every candidate on a series dataset before anything is created: the
 * family exists, the horizon fits the validation part, every series is long enough for the
 * split, and local families accept their params (their fit only validates them). Returns the
 * validated params in the same order.
 */
export async function checkedSeriesParams(
  loaded: LoadedSeriesDataset,
  sets: { raw: Record<string, unknown>; label: string }[],
): Promise<SeriesTrainingParams[]> {
  const panel = toPanel(loaded.dataset);
  const out: SeriesTrainingParams[] = [];
  for (const { raw, label } of sets) {
    try {
      const p = validateSeriesParams(raw, loaded.dataset.frequency.alias);
      const split = splitPanel(panel, { validation: p.validation_steps, test: p.test_steps }, 2);
      const family = withTransform(modelFamily(p.model), p.transform);
      if (family.scope === 'local') await family.fit(split.train, p.family, { horizon: p.horizon, seed: p.seed });
      else transformPanel(split.trainValidation, p.transform);
      out.push(p);
    } catch (err) {
      if (err instanceof TrainingInputError) throw new TrainingInputError(`${label}: ${err.message}`);
      throw err;
    }
  }
  return out;
}

/** The search space of a series search: the default families when the space names none. */
export function seriesSpace(grid: Record<string, unknown>, fixed: Record<string, unknown>): Record<string, unknown> {
  if ('model' in grid || 'model' in fixed) return grid;
  const known = DEFAULT_SEARCH_FAMILIES.filter((f) => {
    try {
      modelFamily(f);
      return true;
    } catch {
      return false;
    }
  });
  return { model: known, ...grid };
}
