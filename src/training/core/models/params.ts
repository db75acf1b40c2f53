import { TrainingInputError } from '../errors';
import { SeriesPanel } from './series-model';

/** Family params arrive as untyped JSON (training params, search candidates): each reader names the bad one. */
export type FamilyParams = Readonly<Record<string, unknown>>;

export function numberParam(
  params: FamilyParams,
  name: string,
  fallback: number,
  range: { min: number; max: number; int?: boolean },
): number {
  const v = params[name] ?? fallback;
  const ok = typeof v === 'number' && Number.isFinite(v) && v >= range.min && v <= range.max;
  if (!ok || (range.int && !Number.isInteger(v)))
    throw new TrainingInputError(
      `${name} must be ${range.int ? 'an integer' : 'a number'} in [${range.min}, ${range.max}], got ${JSON.stringify(v)}`,
    );
  return v;
}

export function choiceParam<T extends string>(
  params: FamilyParams,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const v = params[name] ?? fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v))
    throw new TrainingInputError(`${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** The seasonal period: the `period` param, else the panel's shortest seasonal period, else 1 (none). */
export function periodParam(panel: SeriesPanel, params: FamilyParams): number {
  return numberParam(params, 'period', panel.seasonalPeriods[0] ?? 1, { min: 1, max: 10_000, int: true });
}

/** All seasonal periods: the `periods` param (a list), else the panel's. */
export function periodsParam(panel: SeriesPanel, params: FamilyParams): number[] {
  const v = params.periods ?? panel.seasonalPeriods;
  if (!Array.isArray(v) || !v.every((p) => Number.isInteger(p) && p >= 2 && p <= 10_000))
    throw new TrainingInputError(`periods must be a list of integers in [2, 10000], got ${JSON.stringify(v)}`);
  return [...(v as number[])].sort((a, b) => a - b);
}
