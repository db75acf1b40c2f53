import { MlflowError } from '../../common/mlflow-error';
import type { SeriesMapping } from '../core';

const LISTS = ['known', 'observed'] as const;
const STRINGS = ['timestamp', 'target', 'series_id', 'frequency'] as const;
const KEYS = [...STRINGS, ...LISTS, 'seasonal_periods', 'fill', 'kind'];

/**
 * The mapping of an upload from its query string (`?timestamp=date&target=sales&series_id=store
 * &known=price,promo&observed=visitors&frequency=D&seasonal_periods=7,365.25&fill=ffill`), or
 * undefined when none is given (`kind=series` asks for a series dataset with everything inferred).
 * An unknown key or a bad value is a 400 naming it.
 */
export function uploadMapping(query: Record<string, unknown>): SeriesMapping | undefined {
  const unknown = Object.keys(query).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0)
    throw MlflowError.invalid(`Unknown mapping parameter(s) ${unknown.join(', ')}: use ${KEYS.join(', ')}.`);
  const str = (k: string) => {
    const v = query[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw MlflowError.invalid(`Mapping '${k}' must be a column name.`);
    return v.trim();
  };
  const list = (k: string) =>
    str(k)
      ?.split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '');
  const kind = str('kind');
  if (kind !== undefined && kind !== 'series')
    throw MlflowError.invalid(`Mapping 'kind' must be 'series', got '${kind}'.`);
  const fill = str('fill');
  if (fill !== undefined && fill !== 'ffill' && fill !== 'none')
    throw MlflowError.invalid(`Mapping 'fill' must be 'ffill' (from the past) or 'none', got '${fill}'.`);
  const periods = list('seasonal_periods')?.map(Number);
  if (periods && !periods.every((p) => Number.isFinite(p) && p > 1))
    throw MlflowError.invalid(`Mapping 'seasonal_periods' must be numbers > 1, got '${str('seasonal_periods')}'.`);
  const mapping: SeriesMapping = {
    ...Object.fromEntries(STRINGS.map((k) => [k, str(k)]).filter(([, v]) => v !== undefined)),
    ...Object.fromEntries(LISTS.map((k) => [k, list(k)]).filter(([, v]) => v !== undefined)),
    ...(periods ? { seasonal_periods: periods } : {}),
    ...(fill ? { fill: fill as 'ffill' | 'none' } : {}),
  };
  return Object.keys(mapping).length > 0 || kind ? mapping : undefined;
}
