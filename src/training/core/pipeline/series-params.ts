import { TrainingInputError } from '../errors';
import { MODEL_FAMILY_NAMES } from '../models';
import { parseTransform, TargetTransform } from '../models/transformed';

/** What a training run on a series dataset is asked for; family params travel in `family`. */
export interface SeriesTrainingParams {
  /** The model family (`model` param). */
  model: string;
  /** Steps forecast from each origin. */
  horizon: number;
  interval_levels: number[];
  /** Steps per series in the validation part (default: the horizon). */
  validation_steps: number;
  /** Steps per series in the test part (default: the horizon). */
  test_steps: number;
  seed: number;
  /** Target transform the family is trained and served under (`none`, `log`, `log1p`, `diff`). */
  transform: TargetTransform;
  /** Every other param, for the family to read (it names a bad one). */
  family: Record<string, unknown>;
}

/** M4's horizons per frequency: the default `horizon` of a series dataset. */
const DEFAULT_HORIZON: Record<string, number> = { H: 48, D: 14, B: 10, W: 13, M: 18, Q: 8, Y: 6 };
export const MAX_SERIES_HORIZON = 1000;

/** The family a run trains when the request names none: the best-performing one registered. */
export function defaultFamily(): string {
  return ['ensemble', 'ets', 'theta', 'seasonal_naive'].find((f) => MODEL_FAMILY_NAMES.includes(f)) ?? 'naive';
}

const SERIES_KEYS = ['model', 'horizon', 'interval_levels', 'validation_steps', 'test_steps', 'seed', 'transform'];

function integer(raw: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const v = raw[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new TrainingInputError(`'${name}' must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}.`);
  return v;
}

/**
 * Reads the params of a series run. A horizon longer than the validation part is refused:
 * the validation score (and the champion chosen on it) would not cover every step served.
 */
export function validateSeriesParams(raw: Record<string, unknown>, frequency: string): SeriesTrainingParams {
  const model = raw.model ?? defaultFamily();
  if (typeof model !== 'string' || !MODEL_FAMILY_NAMES.includes(model))
    throw new TrainingInputError(
      `'model' must be one of ${MODEL_FAMILY_NAMES.join(', ')}, got ${JSON.stringify(model)}.`,
    );
  const base = frequency.replace(/^\d+/, '').replace(/^min$/, 'H');
  const horizon = integer(raw, 'horizon', DEFAULT_HORIZON[base] ?? 12, 1, MAX_SERIES_HORIZON);
  const validation = integer(raw, 'validation_steps', horizon, 1, 100_000);
  if (horizon > validation)
    throw new TrainingInputError(
      `'horizon' (${horizon}) is longer than the validation part (validation_steps=${validation}): every forecast step must be validated.`,
    );
  const levels = raw.interval_levels ?? [0.8, 0.95];
  if (!Array.isArray(levels) || !levels.every((l) => typeof l === 'number' && l > 0 && l < 1))
    throw new TrainingInputError(
      `'interval_levels' must be a list of numbers in (0, 1), got ${JSON.stringify(levels)}.`,
    );
  return {
    model,
    horizon,
    interval_levels: [...(levels as number[])].sort((a, b) => a - b),
    validation_steps: validation,
    test_steps: integer(raw, 'test_steps', horizon, horizon, 100_000),
    seed: integer(raw, 'seed', 42, 0, 2 ** 31 - 1),
    transform: parseTransform(raw.transform),
    family: Object.fromEntries(Object.entries(raw).filter(([k]) => !SERIES_KEYS.includes(k))),
  };
}

/** The params as logged to MLflow (strings; family params under their own names). */
export function seriesParamsToStrings(p: SeriesTrainingParams): Record<string, string> {
  const str = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return {
    model: p.model,
    horizon: String(p.horizon),
    interval_levels: JSON.stringify(p.interval_levels),
    validation_steps: String(p.validation_steps),
    test_steps: String(p.test_steps),
    seed: String(p.seed),
    ...(p.transform !== 'none' ? { transform: p.transform } : {}),
    ...Object.fromEntries(Object.entries(p.family).map(([k, v]) => [k, str(v)])),
  };
}
