import { TrainingInputError } from '../errors';
import { parseTimestamp } from './timestamps';

/** How the columns of an upload are read; every field optional (the rest is inferred). */
export interface SeriesMapping {
  timestamp?: string;
  target?: string;
  series_id?: string;
  /** Covariates known in advance for the forecast steps (calendar, price, promotion). */
  known?: string[];
  /** Covariates observed only up to the forecast origin. */
  observed?: string[];
  /** Frequency alias; inferred when absent. */
  frequency?: string;
  /** Seasonal periods in steps; from the frequency when absent. */
  seasonal_periods?: number[];
  /** Missing steps and values: carried forward from the past (default) or left missing. */
  fill?: 'ffill' | 'none';
}

export type ColumnRole = 'timestamp' | 'target' | 'series_id' | 'known' | 'observed' | 'ignored';

export interface ResolvedMapping {
  timestamp: string;
  target: string;
  seriesId?: string;
  known: string[];
  observed: string[];
  ignored: string[];
  /** What was inferred and why (empty when everything was declared). */
  inferred: string[];
}

const TIME_NAMES = /^(ds|date|datetime|time|timestamp|month|week|day|period|hour)$/i;
const ID_NAMES = /^(series_id|unique_id|series|id|item_id|item|store|store_id|sku)$/i;
const TARGET_NAMES = /^(y|target|value|sales|demand|load|close|count|volume)$/i;
export const MISSING = /^(|na|nan|null|none|n\/a)$/i;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export const isNumberCell = (cell: string) => NUMBER.test(cell);

/**
 * The declared mapping checked against the header (unknown or twice-used columns are errors
 * naming them), with what is left out inferred from the first rows: the timestamp is the
 * column named like one (or whose cells all parse as timestamps), the target the numeric
 * column named like one (or the first numeric column left), the series id a column named
 * like one; other numeric columns become observed covariates (never assumed known in advance).
 */
export function resolveMapping(header: string[], sample: string[][], declared: SeriesMapping): ResolvedMapping {
  const named = [
    ...(['timestamp', 'target', 'series_id'] as const).flatMap((k) => (declared[k] ? [[k, declared[k]] as const] : [])),
    ...(declared.known ?? []).map((c) => ['known', c] as const),
    ...(declared.observed ?? []).map((c) => ['observed', c] as const),
  ];
  const used = new Map<string, string>();
  for (const [role, column] of named) {
    if (!header.includes(column))
      throw new TrainingInputError(
        `Unknown column '${column}' in mapping '${role}': the header has ${header.map((h) => `'${h}'`).join(', ')}.`,
      );
    if (used.has(column))
      throw new TrainingInputError(`Column '${column}' is mapped twice ('${used.get(column)}' and '${role}').`);
    used.set(column, role);
  }
  const inferred: string[] = [];
  const free = () => header.filter((h) => !used.has(h));
  const column = (i: string) => sample.map((r) => r[header.indexOf(i)]);
  const numeric = (c: string) =>
    column(c).some((v) => !MISSING.test(v)) && column(c).every((v) => MISSING.test(v) || isNumberCell(v));
  const take = (role: string, c: string, why: string) => {
    used.set(c, role);
    inferred.push(`${role}: '${c}' (${why})`);
    return c;
  };
  const timestamp =
    declared.timestamp ??
    pick(
      free(),
      (c) => TIME_NAMES.test(c) && column(c).every((v) => parseTimestamp(v) !== undefined),
      (c) => take('timestamp', c, 'named like a timestamp, every cell parses as one'),
    ) ??
    pick(
      free(),
      (c) => !numeric(c) && column(c).every((v) => parseTimestamp(v) !== undefined),
      (c) => take('timestamp', c, 'every cell parses as a timestamp'),
    );
  if (!timestamp)
    throw new TrainingInputError(`No timestamp column found among ${header.join(', ')}: name it with 'timestamp'.`);
  const seriesId =
    declared.series_id ??
    pick(
      free(),
      (c) => ID_NAMES.test(c),
      (c) => take('series_id', c, 'named like a series id'),
    );
  const target =
    declared.target ??
    pick(
      free(),
      (c) => TARGET_NAMES.test(c),
      (c) => take('target', c, 'named like a target'),
    ) ??
    pick(free(), numeric, (c) => take('target', c, 'the first numeric column'));
  if (!target)
    throw new TrainingInputError(`No numeric target column found among ${header.join(', ')}: name it with 'target'.`);
  const declaredCovariates = declared.known !== undefined || declared.observed !== undefined;
  const observed = [...(declared.observed ?? [])];
  const ignored: string[] = [];
  for (const c of free()) {
    if (!declaredCovariates && numeric(c))
      observed.push(take('observed', c, 'numeric; observed-only unless declared known'));
    else ignored.push(c);
  }
  return { timestamp, target, seriesId, known: [...(declared.known ?? [])], observed, ignored, inferred };
}

function pick(columns: string[], test: (c: string) => boolean, then: (c: string) => string): string | undefined {
  const c = columns.find(test);
  return c === undefined ? undefined : then(c);
}

/** Role of every header column under a mapping, in header order. */
export function columnRoles(header: string[], m: ResolvedMapping): { name: string; role: ColumnRole }[] {
  const role = (c: string): ColumnRole =>
    c === m.timestamp
      ? 'timestamp'
      : c === m.target
        ? 'target'
        : c === m.seriesId
          ? 'series_id'
          : m.known.includes(c)
            ? 'known'
            : m.observed.includes(c)
              ? 'observed'
              : 'ignored';
  return header.map((name) => ({ name, role: role(name) }));
}
