import { MlflowError } from '../common/mlflow-error';
import {
  CleanBar,
  CleaningStrategy,
  cleanBars,
  ExogenousBars,
  prepareForecastData,
  TrainingInputError,
  TrainingParams,
  validateParams,
} from './core';
import type { DatasetSpec, LoadedDataset } from './data/price-data.service';

export function paramsObject(raw: unknown, name = 'params'): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw MlflowError.invalid(`'${name}' must be a JSON object of hyperparameters.`);
  return raw as Record<string, unknown>;
}

export function checkedParams(input: Record<string, unknown>, label = 'params'): TrainingParams {
  const result = validateParams(input);
  if (!result.ok) throw MlflowError.invalid(`Invalid ${label}: ${result.errors.join('; ')}`);
  return result.params;
}

export function datasetSpec(d: {
  ticker?: string;
  name?: string;
  source?: DatasetSpec['source'];
  start_date?: string;
  end_date?: string;
  path?: string;
}): DatasetSpec {
  if ((d.ticker === undefined) === (d.name === undefined))
    throw MlflowError.invalid(
      "Give the dataset either as 'ticker' (a price history) or as 'name' (a series dataset uploaded with PUT /api/v1/training/datasets/{name}).",
    );
  if (d.name !== undefined) {
    const extra = (['source', 'start_date', 'end_date', 'path'] as const).filter((k) => d[k] !== undefined);
    if (extra.length > 0)
      throw MlflowError.invalid(`A series dataset ('name') takes no ${extra.map((k) => `'${k}'`).join(', ')}.`);
    return { ticker: d.name, name: d.name };
  }
  return {
    ticker: d.ticker as string,
    source: d.source ?? 'sample',
    start_date: d.start_date,
    end_date: d.end_date,
    path: d.path,
  };
}

/**
 * Fails now (400) rather than in the worker when the data cannot feed these params. Returns
 * a check to run per parameter set, so a grid cleans the bars once for all its candidates.
 */
export function trainabilityCheck(
  data: LoadedDataset,
  cleaning: CleaningStrategy,
  exo: ExogenousBars = {},
): (params: TrainingParams) => void {
  const { bars } = cleanBars(data.bars, { strategy: cleaning });
  return (params) => checkTrainable(data.name, bars, params, exo);
}

/** Every exogenous ticker any of the parameter sets names (loaded once per submission). */
export function exogenousTickers(sets: Iterable<TrainingParams>): string[] {
  const all = new Set<string>();
  for (const p of sets) for (const t of p.exogenous) all.add(t);
  return [...all];
}

function checkTrainable(name: string, bars: CleanBar[], params: TrainingParams, exo: ExogenousBars): void {
  try {
    prepareForecastData(bars, params, exo);
  } catch (err) {
    // Say which data and which window shape did not fit (the filter makes it a 400).
    if (err instanceof TrainingInputError) {
      throw new TrainingInputError(
        `${name}: ${err.message} (seq_length=${params.seq_length}, horizon=${params.horizon}, ${bars.length} rows after cleaning)`,
      );
    }
    throw err;
  }
}
