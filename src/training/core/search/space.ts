import { TrainingInputError } from '../errors';
import { PARAM_SPECS, validateParamValue } from '../models/hyperparams';

/**
 * A search space over training params, in the `grid` field of a grid-search request:
 * a list is a set of choices (`{"units": [16, 32, 64]}`), an object a numeric range
 * (`{"learning_rate": {"min": 1e-4, "max": 1e-2, "log": true}}`, bounds inclusive). Ranges of
 * integer params (units, seq_length, ...) are sampled as integers.
 */
export type Dimension =
  | { name: string; kind: 'choice'; values: unknown[] }
  | { name: string; kind: 'range'; min: number; max: number; log: boolean; int: boolean };

export type SearchSpace = Dimension[];

const RANGE_KEYS = new Set(['min', 'max', 'log']);

/** Parses and validates a space; every error names the parameter. Dimensions come sorted by name. */
export function parseSpace(raw: unknown): SearchSpace {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new TrainingInputError("'grid' must be an object mapping parameter names to lists of values or ranges");
  const names = Object.keys(raw).sort();
  if (names.length === 0) throw new TrainingInputError("'grid' must name at least one parameter");
  return names.map((name) => dimension(name, (raw as Record<string, unknown>)[name]));
}

function dimension(name: string, value: unknown): Dimension {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new TrainingInputError(`grid '${name}' must be a non-empty list of values`);
    return { name, kind: 'choice', values: value };
  }
  if (value && typeof value === 'object') return range(name, value as Record<string, unknown>);
  throw new TrainingInputError(
    `grid '${name}' must be a list of values or a range {"min": ..., "max": ..., "log": false}, got ${JSON.stringify(value)}`,
  );
}

function range(name: string, r: Record<string, unknown>): Dimension {
  const spec = PARAM_SPECS.find((s) => s.name === name);
  if (!spec) throw new TrainingInputError(`grid '${name}': unknown parameter`);
  if (spec.kind !== 'int' && spec.kind !== 'float')
    throw new TrainingInputError(`grid '${name}': ranges need a numeric parameter; give a list of values`);
  const extra = Object.keys(r).filter((k) => !RANGE_KEYS.has(k));
  if (extra.length > 0)
    throw new TrainingInputError(`grid '${name}': unknown range key(s) ${extra.join(', ')}; use min, max, log`);
  const { min, max } = r;
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max))
    throw new TrainingInputError(`grid '${name}': a range needs numeric min and max, got ${JSON.stringify(r)}`);
  if (r.log !== undefined && typeof r.log !== 'boolean')
    throw new TrainingInputError(`grid '${name}': log must be true or false, got ${JSON.stringify(r.log)}`);
  if (!(min < max)) throw new TrainingInputError(`grid '${name}': min (${min}) must be below max (${max})`);
  const log = r.log === true;
  if (log && min <= 0) throw new TrainingInputError(`grid '${name}': a log range needs min > 0, got ${min}`);
  const int = spec.kind === 'int';
  if (int && (!Number.isInteger(min) || !Number.isInteger(max)))
    throw new TrainingInputError(`grid '${name}': ${name} is an integer parameter; min and max must be integers`);
  for (const bound of [min, max]) {
    const checked = validateParamValue(name, bound);
    if ('error' in checked) throw new TrainingInputError(`grid '${name}': range bound out of range: ${checked.error}`);
  }
  return { name, kind: 'range', min, max, log, int };
}

/** The number of distinct candidates, or Infinity when a float range is part of it. */
export function spaceSize(space: SearchSpace): number {
  return space.reduce((n, d) => n * (d.kind === 'choice' ? d.values.length : d.int ? d.max - d.min + 1 : Infinity), 1);
}

export const hasRanges = (space: SearchSpace): boolean => space.some((d) => d.kind === 'range');
