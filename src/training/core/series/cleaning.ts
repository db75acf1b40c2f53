import { CleanBar, DailyBar } from './bars';

/**
 * `ffill` carries the last close forward (a flat, no-volume bar), `drop` removes the row.
 * `interpolate` is the old name, kept for stored runs and clients: it now forward-fills too,
 * because interpolating towards the next close reads the future.
 */
export type CleaningStrategy = 'ffill' | 'drop' | 'interpolate';

export interface CleaningOptions {
  /** What to do with rows that have no close: fill them from the past (default) or drop them. */
  strategy?: CleaningStrategy;
}

/** The strategy actually applied (the legacy alias resolved). */
export function cleaningStrategy(s: CleaningStrategy | undefined): 'ffill' | 'drop' {
  return s === 'drop' ? 'drop' : 'ffill';
}

export interface DateGap {
  /** Last date before the gap. */
  from: string;
  /** First date after the gap. */
  to: string;
  calendar_days: number;
}

/**
 * Everything the cleaner changed or noticed, as plain JSON (logged as a run artifact).
 * Counts are rows unless named otherwise; `examples` lists the first dates of each kind.
 */
export interface CleaningReport {
  strategy: 'ffill' | 'drop';
  input_rows: number;
  output_rows: number;
  first_date: string | null;
  last_date: string | null;
  /** Rows dated before their predecessor in the input; the output is sorted. */
  unsorted_dates: number;
  /** Rows removed because an earlier row had the same date (the last occurrence is kept). */
  duplicate_dates: number;
  /** Rows with a price <= 0; such prices are treated as missing. */
  non_positive_prices: number;
  /** Negative volumes, set to 0. */
  negative_volumes: number;
  /** Rows without a close (Yahoo `null` rows). */
  null_rows: number;
  /** Null rows filled from the previous bar (never from a later one). */
  null_rows_filled: number;
  null_rows_dropped: number;
  /** Missing open/high/low/adj close/volume cells in rows that have a close. */
  null_fields_filled: number;
  /** Rows with volume 0 in the input (holidays, no-trade days); kept unchanged. */
  zero_volume_days: number;
  /** Rows whose open/close lay outside [low, high]; high/low widened to contain them. */
  ohlc_repaired: number;
  /** Gaps longer than 4 calendar days between consecutive rows (reported, never filled). */
  gaps_over_4_days: number;
  gaps: DateGap[];
  examples: Record<
    'null_rows' | 'ohlc_repaired' | 'zero_volume_days' | 'duplicate_dates' | 'non_positive_prices',
    string[]
  >;
}

export interface CleaningResult {
  bars: CleanBar[];
  report: CleaningReport;
}

const MAX_EXAMPLES = 20;
const MAX_GAPS = 100;
const GAP_DAYS = 4;
const DAY_MS = 86_400_000;
type Row = DailyBar;

/**
 * Cleans a daily series: sorts, removes duplicate dates, treats non-positive prices as
 * missing, fills `null` rows from the last bar before them (or drops them), repairs OHLC contradictions and reports date gaps.
 * Missing trading days are never invented: a gap is a fact about the market (9/11, holidays).
 * Pure: the input array and its bars are not modified.
 */
export function cleanBars(input: readonly DailyBar[], options: CleaningOptions = {}): CleaningResult {
  const report = emptyReport(cleaningStrategy(options.strategy), input.length);
  let rows = sortAndDedupe(
    input.map((b) => ({ ...b })),
    report,
  );
  markNonPositive(rows, report);
  countZeroVolume(rows, report);
  fillPartialRows(rows, report);
  rows = resolveNullRows(rows, report);
  const bars = rows as CleanBar[];
  repairOhlc(bars, report);
  report.gaps_over_4_days = findGaps(bars, report.gaps);
  report.output_rows = bars.length;
  report.first_date = bars[0]?.date ?? null;
  report.last_date = bars[bars.length - 1]?.date ?? null;
  return { bars, report };
}

function emptyReport(strategy: 'ffill' | 'drop', inputRows: number): CleaningReport {
  return {
    strategy,
    input_rows: inputRows,
    output_rows: 0,
    first_date: null,
    last_date: null,
    unsorted_dates: 0,
    duplicate_dates: 0,
    non_positive_prices: 0,
    negative_volumes: 0,
    null_rows: 0,
    null_rows_filled: 0,
    null_rows_dropped: 0,
    null_fields_filled: 0,
    zero_volume_days: 0,
    ohlc_repaired: 0,
    gaps_over_4_days: 0,
    gaps: [],
    examples: { null_rows: [], ohlc_repaired: [], zero_volume_days: [], duplicate_dates: [], non_positive_prices: [] },
  };
}

function example(report: CleaningReport, kind: keyof CleaningReport['examples'], date: string): void {
  if (report.examples[kind].length < MAX_EXAMPLES) report.examples[kind].push(date);
}

function sortAndDedupe(rows: Row[], report: CleaningReport): Row[] {
  for (let i = 1; i < rows.length; i++) if (rows[i].date < rows[i - 1].date) report.unsorted_dates++;
  // Stable sort keeps file order within a date, so "last occurrence wins" stays well defined.
  const sorted =
    report.unsorted_dates > 0 ? [...rows].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)) : rows;
  const out: Row[] = [];
  for (const row of sorted) {
    if (out.length > 0 && out[out.length - 1].date === row.date) {
      report.duplicate_dates++;
      example(report, 'duplicate_dates', row.date);
      out[out.length - 1] = row;
    } else {
      out.push(row);
    }
  }
  return out;
}

const PRICE_FIELDS = ['open', 'high', 'low', 'close', 'adjClose'] as const;

function markNonPositive(rows: Row[], report: CleaningReport): void {
  for (const row of rows) {
    let bad = false;
    for (const f of PRICE_FIELDS) {
      const v = row[f];
      if (v !== null && (v <= 0 || !Number.isFinite(v))) {
        row[f] = null;
        bad = true;
      }
    }
    if (bad) {
      report.non_positive_prices++;
      example(report, 'non_positive_prices', row.date);
    }
    if (row.volume !== null && row.volume < 0) {
      row.volume = 0;
      report.negative_volumes++;
    }
  }
}

function countZeroVolume(rows: Row[], report: CleaningReport): void {
  for (const row of rows) {
    if (row.close !== null && row.volume === 0) {
      report.zero_volume_days++;
      example(report, 'zero_volume_days', row.date);
    }
  }
}

/** Rows with a close but other cells missing: the close is the best estimate of the bar. */
function fillPartialRows(rows: Row[], report: CleaningReport): void {
  let lastRatio = 1;
  for (const row of rows) {
    if (row.close === null) continue;
    const close = row.close;
    const missing = [row.open, row.high, row.low, row.adjClose, row.volume].filter((v) => v === null).length;
    report.null_fields_filled += missing;
    row.open ??= close;
    row.high ??= Math.max(row.open, close);
    row.low ??= Math.min(row.open, close);
    // Adj Close is the close times the cumulative dividend factor: carry the last known factor.
    row.adjClose ??= close * lastRatio;
    lastRatio = row.adjClose / close;
    row.volume ??= 0;
  }
}

function resolveNullRows(rows: Row[], report: CleaningReport): Row[] {
  report.null_rows = rows.filter((r) => r.close === null).length;
  if (report.null_rows === 0) return rows;
  const out: Row[] = [];
  let prev: Row | null = null;
  for (const row of rows) {
    if (row.close !== null) {
      out.push(row);
      prev = row;
      continue;
    }
    example(report, 'null_rows', row.date);
    if (report.strategy === 'drop' || prev === null) {
      report.null_rows_dropped++;
      continue;
    }
    out.push(carryForward(prev, row.date));
    report.null_rows_filled++;
  }
  return out;
}

/** A no-trade bar at the last known close: what a trader knew on that day. */
function carryForward(prev: Row, date: string): Row {
  const close = prev.close as number;
  return { date, open: close, high: close, low: close, close, adjClose: prev.adjClose, volume: 0 };
}

function repairOhlc(bars: CleanBar[], report: CleaningReport): void {
  for (const bar of bars) {
    const { open, high, low, close } = bar;
    if (open < low || open > high || close < low || close > high || low > high) {
      bar.high = Math.max(open, high, close);
      bar.low = Math.min(open, low, close);
      report.ohlc_repaired++;
      example(report, 'ohlc_repaired', bar.date);
    }
  }
}

/** Days between two ISO dates (UTC, so DST never shifts a day). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function findGaps(bars: readonly CleanBar[], gaps: DateGap[]): number {
  let count = 0;
  for (let i = 1; i < bars.length; i++) {
    const days = daysBetween(bars[i - 1].date, bars[i].date);
    if (days > GAP_DAYS) {
      count++;
      if (gaps.length < MAX_GAPS) gaps.push({ from: bars[i - 1].date, to: bars[i].date, calendar_days: days });
    }
  }
  return count;
}
