import { isIsoDate } from '../series/bars';
import { fusedUnsupportedReason } from './engines/fused/layout';
import { TrainingInputError } from '../errors';
import { isTicker, RETURN_FEATURES, ReturnFeature } from '../series/features';
import { Feature, FEATURES } from '../series/windows';

export type LossName = 'mae' | 'mse' | 'huber';
export type TargetName = 'return' | 'level';
export const TARGETS: readonly TargetName[] = ['return', 'level'];
/** Every input feature name of either formulation (the target decides which are allowed). */
export const ALL_FEATURES: readonly string[] = [...new Set<string>([...RETURN_FEATURES, ...FEATURES])];
export type AnyFeature = Feature | ReturnFeature;
export const LOSSES: readonly LossName[] = ['mae', 'mse', 'huber'];
/** Training engines: the WASM SIMD fused LSTM (default) and tfjs-layers. */
export type EngineName = 'fused' | 'tfjs';
export const ENGINES: readonly EngineName[] = ['fused', 'tfjs'];

/** Typed, validated training parameters (snake_case: they are logged as MLflow params). */
export interface TrainingParams {
  seq_length: number;
  horizon: number;
  layers: number;
  units: number;
  dropout: number;
  learning_rate: number;
  batch_size: number;
  epochs: number;
  patience: number;
  loss: LossName;
  seed: number;
  /** `return` (default): the model forecasts the log return to the target day; `level`: the scaled price. */
  target: TargetName;
  features: AnyFeature[];
  /** Tickers whose log returns are extra inputs (return target), aligned by date, same data source. */
  exogenous: string[];
  /** Season length (rows) of the seasonal-naive baseline. */
  seasonal_period: number;
  /** Nominal coverages of the prediction intervals, each in (0, 1). */
  interval_levels: number[];
  /** Rolling-origin backtest folds (expanding window) after the main fit; 0 = none. */
  backtest_folds: number;
  train_fraction: number;
  val_fraction: number;
  /** Split by dates instead of fractions when both are set (inclusive ends). */
  train_end: string | null;
  val_end: string | null;
  engine: EngineName;
}

export type ParamName = keyof TrainingParams;

interface Bound {
  value: number;
  open?: boolean;
}

/** One entry of the vocabulary shared by single runs and grid searches. */
export interface ParamSpec {
  name: ParamName;
  kind: 'int' | 'float' | 'enum' | 'features' | 'date' | 'tickers' | 'levels';
  default: TrainingParams[ParamName];
  min?: Bound;
  max?: Bound;
  values?: readonly string[];
  doc: string;
}

const int = (name: ParamName, def: number, min: number, max: number, doc: string): ParamSpec => ({
  name,
  kind: 'int',
  default: def,
  min: { value: min },
  max: { value: max },
  doc,
});

export const PARAM_SPECS: readonly ParamSpec[] = [
  int('seq_length', 20, 2, 500, 'input window length in trading days'),
  int('horizon', 1, 1, 30, 'steps ahead of the last input that the model forecasts'),
  int('layers', 1, 1, 4, 'stacked LSTM layers'),
  int('units', 32, 1, 512, 'units per LSTM layer'),
  {
    name: 'dropout',
    kind: 'float',
    default: 0.2,
    min: { value: 0 },
    max: { value: 1, open: true },
    doc: 'dropout after each LSTM layer',
  },
  {
    name: 'learning_rate',
    kind: 'float',
    default: 0.001,
    min: { value: 0, open: true },
    max: { value: 1 },
    doc: 'Adam learning rate',
  },
  int('batch_size', 32, 1, 4096, 'mini-batch size'),
  int('epochs', 10, 1, 1000, 'maximum training epochs'),
  int('patience', 5, 0, 1000, 'epochs without val_loss improvement before early stopping'),
  { name: 'loss', kind: 'enum', default: 'mae', values: LOSSES, doc: 'training loss' },
  int('seed', 42, 0, 2 ** 31 - 1, 'seed for initialisers and dropout (reproducible on one backend)'),
  {
    name: 'target',
    kind: 'enum',
    default: 'return',
    values: TARGETS,
    doc: 'return: forecast the log return to the target day (prices reconstructed); level: the min-max-scaled price',
  },
  {
    name: 'features',
    kind: 'features',
    default: ['returns'],
    values: ALL_FEATURES,
    doc: `inputs; target return: ${RETURN_FEATURES.join(', ')} (default returns); target level: ${FEATURES.join(', ')} (default close)`,
  },
  {
    name: 'exogenous',
    kind: 'tickers',
    default: [],
    doc: 'tickers whose log returns are extra inputs (target return), aligned by date, from the same data source',
  },
  int('seasonal_period', 5, 1, 520, 'season length in rows of the seasonal-naive baseline'),
  {
    name: 'interval_levels',
    kind: 'levels',
    default: [0.8, 0.95],
    doc: 'nominal coverages of the split-conformal prediction intervals, each in (0, 1)',
  },
  int('backtest_folds', 0, 0, 10, 'rolling-origin backtest folds (expanding window, one refit each); 0 = none'),
  {
    name: 'train_fraction',
    kind: 'float',
    default: 0.7,
    min: { value: 0, open: true },
    max: { value: 1, open: true },
    doc: 'training share of rows',
  },
  {
    name: 'val_fraction',
    kind: 'float',
    default: 0.15,
    min: { value: 0, open: true },
    max: { value: 1, open: true },
    doc: 'validation share; test gets the rest',
  },
  {
    name: 'train_end',
    kind: 'date',
    default: null,
    doc: 'last training date (YYYY-MM-DD); with val_end, overrides fractions',
  },
  { name: 'val_end', kind: 'date', default: null, doc: 'last validation date (YYYY-MM-DD)' },
  {
    name: 'engine',
    kind: 'enum',
    default: 'fused',
    values: ENGINES,
    doc: 'training engine: fused (WASM SIMD) or tfjs',
  },
];

const SPEC_BY_NAME = new Map(PARAM_SPECS.map((s) => [s.name, s]));
export const PARAM_NAMES: readonly ParamName[] = PARAM_SPECS.map((s) => s.name);

export const DEFAULT_PARAMS: Readonly<TrainingParams> = Object.freeze(
  Object.fromEntries(PARAM_SPECS.map((s) => [s.name, s.default])) as unknown as TrainingParams,
);

export type ParamsValidation = { ok: true; params: TrainingParams } | { ok: false; errors: string[] };

/**
 * Validates user input (JSON numbers or MLflow-style strings) against the vocabulary and fills
 * defaults. Collects every error instead of stopping at the first, so a grid-search request
 * is rejected once with the full list.
 */
export function validateParams(input: Record<string, unknown>): ParamsValidation {
  const errors: string[] = [];
  const params: Record<string, unknown> = {
    ...DEFAULT_PARAMS,
    features: [...DEFAULT_PARAMS.features],
    exogenous: [],
    interval_levels: [...DEFAULT_PARAMS.interval_levels],
  };
  if (String(input?.target) === 'level' && input?.features === undefined) params.features = ['close'];
  for (const [name, raw] of Object.entries(input ?? {})) {
    const result = validateParamValue(name, raw);
    if ('error' in result) errors.push(result.error);
    else params[name] = result.value;
  }
  errors.push(...crossCheck(params as unknown as TrainingParams));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, params: params as unknown as TrainingParams };
}

/** Like validateParams, but throws one TrainingInputError listing every problem. */
/** Raw rows (prices) one forecast needs: a return model also needs the close before its window. */
export function windowRows(p: Pick<TrainingParams, 'seq_length' | 'target'>): number {
  return p.seq_length + (p.target === 'return' ? 1 : 0);
}

export function parseParams(input: Record<string, unknown>): TrainingParams {
  const result = validateParams(input);
  if (!result.ok) throw new TrainingInputError(`invalid training parameters: ${result.errors.join('; ')}`);
  return result.params;
}

/** Validates one parameter value (e.g. each candidate of a grid-search list). */
export function validateParamValue(name: string, raw: unknown): { value: unknown } | { error: string } {
  const spec = SPEC_BY_NAME.get(name as ParamName);
  if (!spec) return { error: `unknown parameter "${name}"; allowed: ${PARAM_NAMES.join(', ')}` };
  switch (spec.kind) {
    case 'int':
    case 'float':
      return numberValue(spec, raw);
    case 'enum':
      return spec.values!.includes(String(raw))
        ? { value: String(raw) }
        : { error: `${name} must be one of ${spec.values!.join(', ')}, got ${JSON.stringify(raw)}` };
    case 'features':
      return featuresValue(raw);
    case 'tickers':
      return tickersValue(raw);
    case 'levels':
      return levelsValue(raw);
    case 'date':
      if (raw === null || raw === undefined || raw === '') return { value: null };
      return typeof raw === 'string' && isIsoDate(raw)
        ? { value: raw }
        : { error: `${name} must be a YYYY-MM-DD date, got ${JSON.stringify(raw)}` };
  }
}

function rangeText(spec: ParamSpec): string {
  return `${spec.min!.open ? '(' : '['}${spec.min!.value}, ${spec.max!.value}${spec.max!.open ? ')' : ']'}`;
}

function numberValue(spec: ParamSpec, raw: unknown): { value: number } | { error: string } {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  const what = spec.kind === 'int' ? 'an integer' : 'a number';
  const { min, max } = spec as Required<ParamSpec>;
  const bad =
    !Number.isFinite(n) ||
    (spec.kind === 'int' && !Number.isInteger(n)) ||
    (min.open ? n <= min.value : n < min.value) ||
    (max.open ? n >= max.value : n > max.value);
  return bad
    ? { error: `${spec.name} must be ${what} in ${rangeText(spec)}, got ${JSON.stringify(raw)}` }
    : { value: n };
}

const listOf = (raw: unknown): unknown =>
  typeof raw === 'string' ? (raw.trim() === '' ? [] : raw.split(',').map((s) => s.trim())) : raw;

function tickersValue(raw: unknown): { value: string[] } | { error: string } {
  const list = listOf(raw ?? []);
  if (!Array.isArray(list) || !list.every((t) => typeof t === 'string' && isTicker(t))) {
    return { error: `exogenous must be a list (or comma-separated string) of tickers, got ${JSON.stringify(raw)}` };
  }
  if (new Set(list).size !== list.length) return { error: `exogenous must not repeat a ticker, got ${list.join(',')}` };
  return { value: list as string[] };
}

function levelsValue(raw: unknown): { value: number[] } | { error: string } {
  const list = typeof raw === 'number' ? [raw] : listOf(raw);
  const nums = Array.isArray(list) ? list.map((v) => (typeof v === 'string' ? Number(v) : v)) : [];
  if (!Array.isArray(list) || list.length === 0 || !nums.every((v) => typeof v === 'number' && v > 0 && v < 1)) {
    return {
      error: `interval_levels must be a non-empty list of numbers strictly between 0 and 1 (e.g. 0.8,0.95), got ${JSON.stringify(raw)}`,
    };
  }
  return { value: [...new Set(nums as number[])].sort((a, b) => a - b) };
}

function featuresValue(raw: unknown): { value: AnyFeature[] } | { error: string } {
  const list = listOf(raw);
  const allowed = ALL_FEATURES.join(', ');
  if (!Array.isArray(list) || list.length === 0 || !list.every((f) => typeof f === 'string')) {
    return {
      error: `features must be a non-empty list (or comma-separated string) of ${allowed}, got ${JSON.stringify(raw)}`,
    };
  }
  const unknown = list.filter((f) => !ALL_FEATURES.includes(f));
  if (unknown.length > 0) return { error: `features: unknown feature(s) ${unknown.join(', ')}; allowed: ${allowed}` };
  if (new Set(list).size !== list.length) return { error: `features must not repeat a feature, got ${list.join(',')}` };
  return { value: list as AnyFeature[] };
}

function crossCheck(p: TrainingParams): string[] {
  const errors: string[] = [];
  if (p.train_fraction + p.val_fraction >= 1) {
    errors.push(
      `train_fraction + val_fraction must be < 1 so the test part is not empty, got ${p.train_fraction} + ${p.val_fraction}`,
    );
  }
  const fused = p.engine === 'fused' ? fusedUnsupportedReason(shapeOf(p), p.batch_size) : null;
  if (fused) errors.push(fused);
  const allowed: readonly string[] = p.target === 'return' ? RETURN_FEATURES : FEATURES;
  const wrong = p.features.filter((f) => !allowed.includes(f));
  if (wrong.length > 0) {
    errors.push(`features ${wrong.join(', ')} do not fit target ${p.target}; allowed: ${allowed.join(', ')}`);
  }
  if (p.target === 'level' && p.exogenous.length > 0) errors.push('exogenous inputs need target return');
  if ((p.train_end === null) !== (p.val_end === null)) errors.push('train_end and val_end must be given together');
  else if (p.train_end !== null && p.val_end !== null && p.train_end >= p.val_end) {
    errors.push(`train_end (${p.train_end}) must be before val_end (${p.val_end})`);
  }
  return errors;
}

function shapeOf(p: TrainingParams) {
  return { seqLength: p.seq_length, nFeatures: p.features.length, layers: p.layers, units: p.units };
}

/** MLflow param values are strings: features joined by commas, unset dates omitted. */
export function paramsToStrings(p: TrainingParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PARAM_NAMES) {
    const v = p[name];
    if (v === null || (Array.isArray(v) && v.length === 0)) continue;
    out[name] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

/**
 * Parameters stored by an earlier version (job records queued before issue 10): fields it
 * did not know get the values that reproduce its behaviour (the level target).
 */
export function storedParams(p: Partial<TrainingParams>): TrainingParams {
  return {
    ...DEFAULT_PARAMS,
    target: 'level',
    features: ['close'],
    ...p,
    exogenous: p.exogenous ?? [],
    interval_levels: p.interval_levels ?? [...DEFAULT_PARAMS.interval_levels],
  } as TrainingParams;
}
