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

/** The period a deseasonalising family removes, and the shorter one for series too short for it. */
export interface DeseasonalPeriod {
  period: number;
  fallback?: number;
}

/**
 * For families that remove one seasonal cycle before a non-seasonal fit (SES, Theta, ETS beyond
 * its longest season): the `period` param when given; else the panel's longest seasonal period
 * that is a whole multiple of the shortest (hourly: 168 = 7 × 24, so one decomposition removes
 * the daily and the weekly cycle — with 24 alone the weekday/weekend swing stays in the
 * "adjusted" series), the shortest as the fallback for series under three long cycles.
 */
export function deseasonalPeriodParam(panel: SeriesPanel, params: FamilyParams): DeseasonalPeriod {
  if (params.period !== undefined) return { period: periodParam(panel, params) };
  const periods = panel.seasonalPeriods.filter((p) => Number.isInteger(p) && p >= 2);
  const shortest = periods[0];
  if (shortest === undefined) return { period: 1 };
  const nested = periods.filter((p) => p % shortest === 0);
  const longest = Math.max(...nested);
  return longest === shortest ? { period: shortest } : { period: longest, fallback: shortest };
}

/** The period usable on a history of n values: the long one needs three cycles (M4's seasonality test does). */
export function usablePeriod(config: DeseasonalPeriod, n: number): number {
  return config.fallback !== undefined && n < 3 * config.period ? config.fallback : config.period;
}
