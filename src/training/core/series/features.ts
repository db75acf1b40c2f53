import { CleanBar } from './bars';
import { TrainingInputError } from '../errors';

/**
 * Inputs of the return formulation. Every feature of row r is computed from rows r-1 and r
 * only (a past observation at forecast time), and all are scale-free:
 * - `returns`: ln(close[r] / close[r-1]);
 * - `range`: ln(high[r] / low[r]) (intraday range, a volatility proxy);
 * - `volume_change`: ln((volume[r] + 1) / (volume[r-1] + 1));
 * - `weekday`, `month`: calendar of row r (1-7, 1-12);
 * - each exogenous ticker (`params.exogenous`): its log return on the same date.
 */
export const RETURN_FEATURES = ['returns', 'range', 'volume_change', 'weekday', 'month'] as const;
export type ReturnFeature = (typeof RETURN_FEATURES)[number];

/** Raw columns a return model reads per row: bar fields, the calendar, exogenous closes (`exo:<ticker>`). */
export type InputColumn = 'close' | 'high' | 'low' | 'volume' | 'weekday' | 'month' | `exo:${string}`;

export const EXO_PREFIX = 'exo:';
const TICKER = /^[A-Za-z0-9^.=_-]{1,32}$/;

export function isTicker(s: string): boolean {
  return TICKER.test(s);
}

/** The raw columns needed for `features` and `exogenous`, close first. */
export function inputColumns(features: readonly ReturnFeature[], exogenous: readonly string[]): InputColumn[] {
  const cols: InputColumn[] = ['close'];
  if (features.includes('range')) cols.push('high', 'low');
  if (features.includes('volume_change')) cols.push('volume');
  if (features.includes('weekday')) cols.push('weekday');
  if (features.includes('month')) cols.push('month');
  for (const t of exogenous) cols.push(`${EXO_PREFIX}${t}`);
  return cols;
}

/** Model input names: the features, then one per exogenous ticker. */
export function featureNames(features: readonly ReturnFeature[], exogenous: readonly string[]): string[] {
  return [...features, ...exogenous.map((t) => `${EXO_PREFIX}${t}`)];
}

/** Exogenous closes by ticker, each a cleaned, date-sorted series. */
export type ExogenousBars = Readonly<Record<string, readonly CleanBar[]>>;

/**
 * Aligns an exogenous series to `dates`: the close of the latest exogenous bar dated on or
 * before each date (its markets may close on other days; a later bar is never used). NaN
 * before its first bar.
 */
export function alignByDate(dates: readonly string[], exo: readonly CleanBar[]): number[] {
  const out: number[] = [];
  let j = -1;
  for (const d of dates) {
    while (j + 1 < exo.length && exo[j + 1].date <= d) j++;
    out.push(j < 0 ? NaN : exo[j].close);
  }
  return out;
}

/**
 * How many of `dates` an exogenous series has a bar on; misaligned series (another calendar,
 * another period) fail with a clear message instead of feeding stale values.
 */
export function checkAlignment(ticker: string, dates: readonly string[], exo: readonly CleanBar[]): void {
  if (exo.length === 0) throw new TrainingInputError(`exogenous series ${ticker} has no data in the date range`);
  const have = new Set(exo.map((b) => b.date));
  const matched = dates.filter((d) => have.has(d)).length;
  if (matched < 0.5 * dates.length) {
    throw new TrainingInputError(
      `exogenous series ${ticker} is misaligned with the data: only ${matched} of ${dates.length} dates ` +
        `(${dates[0]}..${dates[dates.length - 1]}) have a ${ticker} bar (its data: ${exo[0].date}..${exo[exo.length - 1].date})`,
    );
  }
}

const dayOf = (date: string) => new Date(`${date}T00:00:00Z`);

/** Raw input rows per bar, in `columns` order; exogenous closes aligned by date. */
export function inputTable(
  bars: readonly CleanBar[],
  columns: readonly InputColumn[],
  exo: ExogenousBars = {},
): number[][] {
  const dates = bars.map((b) => b.date);
  const exoCols = new Map<string, number[]>();
  for (const c of columns) {
    if (!c.startsWith(EXO_PREFIX)) continue;
    const ticker = c.slice(EXO_PREFIX.length);
    const series = exo[ticker];
    if (!series) throw new TrainingInputError(`exogenous series ${ticker} was not loaded`);
    exoCols.set(c, alignByDate(dates, series));
  }
  return bars.map((bar, r) =>
    columns.map((c) => {
      if (c === 'weekday') return dayOf(bar.date).getUTCDay() || 7;
      if (c === 'month') return dayOf(bar.date).getUTCMonth() + 1;
      if (c.startsWith(EXO_PREFIX)) return (exoCols.get(c) as number[])[r];
      return bar[c as 'close' | 'high' | 'low' | 'volume'];
    }),
  );
}

/**
 * Feature rows from raw input rows: row k of the result belongs to input row k + 1 (the
 * first input row only serves as the previous row of the second). NaN where an input is
 * missing (e.g. before an exogenous series starts).
 */
export function featureRows(
  input: ReadonlyArray<readonly number[]>,
  columns: readonly InputColumn[],
  features: readonly string[],
): number[][] {
  const at = (name: string) => columns.indexOf(name as InputColumn);
  const close = at('close');
  const getters = features.map((f): ((cur: readonly number[], prev: readonly number[]) => number) => {
    if (f === 'returns') return (cur, prev) => Math.log(cur[close] / prev[close]);
    if (f === 'range') return (cur) => Math.log(cur[at('high')] / cur[at('low')]);
    if (f === 'volume_change') return (cur, prev) => Math.log((cur[at('volume')] + 1) / (prev[at('volume')] + 1));
    if (f === 'weekday' || f === 'month') return (cur) => cur[at(f)];
    const j = at(f);
    if (!f.startsWith(EXO_PREFIX) || j < 0) throw new TrainingInputError(`unknown feature "${f}"`);
    return (cur, prev) => Math.log(cur[j] / prev[j]);
  });
  const out: number[][] = [];
  for (let r = 1; r < input.length; r++) out.push(getters.map((g) => g(input[r], input[r - 1])));
  return out;
}
