import { CsvParseError, TrainingInputError } from '../errors';
import {
  dateOnly,
  Frequency,
  gridIndex,
  inferFrequency,
  parseFrequency,
  seasonalPeriods,
  timestampAt,
} from './frequency';
import { columnRoles, isNumberCell, MISSING, ResolvedMapping, resolveMapping, SeriesMapping } from './mapping';
import type { Series, SeriesDataset, SeriesDescription } from './series-dataset';
import type { TableRow } from './table';
import { formatTimestamp, parseTimestamp } from './timestamps';

/** Rows read before the mapping is inferred from them. */
const SAMPLE_ROWS = 200;
/** Consecutive equal steps of k > 1 grid steps that make a second frequency rather than gaps. */
const MIXED_RUN = 3;

interface Raw {
  ts: number[];
  values: number[];
  covariates: number[][];
  lines: number[];
}

export interface BuiltDataset {
  dataset: SeriesDataset;
  description: Omit<SeriesDescription, 'name' | 'format' | 'digest'>;
}

/**
 * Turns table rows (as they stream in) into a validated series dataset: resolves the mapping
 * on the first rows, converts every row as it arrives (a bad cell is an error naming its line
 * and column), and at the end checks order and steps per series (duplicate or unordered
 * timestamps, steps off the frequency, a second frequency inside a series: errors naming the
 * series and line), places each series on its grid and fills the gaps from the past only.
 */
export class SeriesDatasetBuilder {
  private mapping?: ResolvedMapping;
  private header: string[] = [];
  private pending: TableRow[] = [];
  private readonly raw = new Map<string, Raw>();
  private rows = 0;

  constructor(
    private readonly file: string,
    private readonly declared: SeriesMapping,
  ) {}

  row(header: string[], row: TableRow): void {
    this.header = header;
    if (this.mapping) return this.add(row);
    this.pending.push(row);
    if (this.pending.length >= SAMPLE_ROWS) this.resolve();
  }

  finish(header: string[]): BuiltDataset {
    this.header = header;
    if (!this.mapping) this.resolve();
    const m = this.mapping as ResolvedMapping;
    const raws = [...this.raw.entries()];
    for (const [id, r] of raws) this.checkOrder(id, r);
    const frequency = this.declared.frequency
      ? parseFrequency(this.declared.frequency)
      : inferFrequency(raws.map(([, r]) => r.ts));
    if (!frequency)
      throw new TrainingInputError(`${this.file}: every series has a single timestamp; no frequency can be inferred.`);
    const fill = this.declared.fill ?? 'ffill';
    const covariates = [...m.known, ...m.observed];
    let gaps = 0;
    let missingValues = 0;
    const series: Series[] = [];
    const summaries = [];
    for (const [id, r] of raws) {
      const placed = this.place(id, r, frequency, covariates);
      gaps += placed.gaps;
      missingValues += placed.missing - placed.gaps;
      if (fill === 'ffill')
        for (const a of [placed.series.values, ...Object.values(placed.series.covariates)]) fillForward(a);
      series.push(placed.series);
      const ts = placed.series.timestamps;
      const fmt = (t: number) => formatTimestamp(t, dateOnly(frequency, ts[0]));
      summaries.push({
        id,
        length: ts.length,
        first: fmt(ts[0]),
        last: fmt(ts[ts.length - 1]),
        missing: placed.missing,
      });
    }
    const lengths = series.map((s) => s.values.length);
    const total = lengths.reduce((a, b) => a + b, 0);
    const first = Math.min(...series.map((s) => s.timestamps[0]));
    const last = Math.max(...series.map((s) => s.timestamps[s.timestamps.length - 1]));
    const periods = this.declared.seasonal_periods ?? seasonalPeriods(frequency);
    const columns = columnRoles(this.header, m);
    return {
      dataset: { frequency, seasonalPeriods: periods, target: m.target, columns, series },
      description: {
        kind: 'series',
        rows: this.rows,
        series_count: series.length,
        frequency: frequency.alias,
        seasonal_periods: periods,
        first_timestamp: formatTimestamp(first, dateOnly(frequency, first)),
        last_timestamp: formatTimestamp(last, dateOnly(frequency, first)),
        length: { min: Math.min(...lengths), max: Math.max(...lengths), mean: round(total / series.length) },
        missing_share: round((gaps + missingValues) / total),
        columns,
        ...(m.inferred.length > 0 ? { inferred: m.inferred } : {}),
        validation: {
          duplicates: 0,
          unordered_rows: 0,
          irregular_steps: 0,
          mixed_frequencies: false,
          gaps,
          missing_values: missingValues,
          fill,
          notes: notes(gaps, missingValues, fill),
        },
        series: summaries.slice(0, 1000),
      },
    };
  }

  private resolve(): void {
    this.mapping = resolveMapping(
      this.header,
      this.pending.map((r) => r.cells),
      this.declared,
    );
    for (const row of this.pending) this.add(row);
    this.pending = [];
  }

  private add(row: TableRow): void {
    const m = this.mapping as ResolvedMapping;
    const at = (c: string) => this.header.indexOf(c);
    const id = m.seriesId ? row.cells[at(m.seriesId)] : '0';
    if (id === '') this.fail(row.line, m.seriesId as string, 'empty series id');
    const tsCell = row.cells[at(m.timestamp)];
    const ts = parseTimestamp(tsCell);
    if (ts === undefined) this.fail(row.line, m.timestamp, `"${tsCell.slice(0, 40)}" is not a timestamp`);
    let r = this.raw.get(id);
    if (!r) {
      r = { ts: [], values: [], covariates: [...m.known, ...m.observed].map(() => []), lines: [] };
      this.raw.set(id, r);
    }
    r.ts.push(ts as number);
    r.lines.push(row.line);
    r.values.push(this.number(row, m.target));
    [...m.known, ...m.observed].forEach((c, k) => r.covariates[k].push(this.number(row, c)));
    this.rows++;
  }

  private number(row: TableRow, column: string): number {
    const cell = row.cells[this.header.indexOf(column)];
    if (MISSING.test(cell)) return NaN;
    if (!isNumberCell(cell)) this.fail(row.line, column, `"${cell.slice(0, 40)}" is not a number`);
    return Number(cell);
  }

  private fail(line: number, column: string, what: string): never {
    throw new CsvParseError(`${this.file} line ${line}, column "${column}": ${what}`, this.file, line, column);
  }

  private checkOrder(id: string, r: Raw): void {
    for (let i = 1; i < r.ts.length; i++) {
      if (r.ts[i] > r.ts[i - 1]) continue;
      const what =
        r.ts[i] === r.ts[i - 1]
          ? `duplicate timestamp (also on line ${r.lines[i - 1]})`
          : `non-monotonic timestamps: earlier than line ${r.lines[i - 1]}; rows of a series must be in time order`;
      throw new CsvParseError(
        `${this.file} line ${r.lines[i]}, series '${id}': ${what}`,
        this.file,
        r.lines[i],
        this.mapping?.timestamp,
      );
    }
  }

  /** A step off the grid: a finer step that divides the frequency's is a second frequency, anything else irregular. */
  private offGrid(id: string, r: Raw, i: number, f: Frequency): never {
    const ms = r.ts[i] - r.ts[i - 1];
    const where = `${this.file} line ${r.lines[i]}, series '${id}'`;
    const step = `${describeStep(ms)} after line ${r.lines[i - 1]}`;
    if (f.kind === 'fixed' && (f.stepMs as number) % ms === 0)
      throw new TrainingInputError(
        `${where}: mixed frequencies inside the series (a step of ${step}; the dataset's frequency is '${f.alias}'); upload one frequency per dataset.`,
      );
    throw new TrainingInputError(`${where}: irregular step (${step}) is not on the frequency '${f.alias}'.`);
  }

  /** The series on its grid: positions from its first timestamp, NaN where it has no row. */
  private place(id: string, r: Raw, f: Frequency, covariates: string[]) {
    const at = r.ts.map((t) => gridIndex(f, r.ts[0], t));
    let run = 0;
    for (let i = 1; i < at.length; i++) {
      const step = at[i] - at[i - 1];
      if (!Number.isFinite(step)) this.offGrid(id, r, i, f);
      run = step > 1 && step === at[i - 1] - (at[i - 2] ?? NaN) ? run + 1 : step > 1 ? 1 : 0;
      if (run >= MIXED_RUN)
        throw new TrainingInputError(
          `${this.file} line ${r.lines[i]}, series '${id}': mixed frequencies inside the series (steps of ${step} × '${f.alias}' from line ${r.lines[i - run]} on, '${f.alias}' before); upload one frequency per dataset.`,
        );
    }
    const n = at[at.length - 1] + 1;
    const values = new Float64Array(n).fill(NaN);
    const timestamps = new Float64Array(n);
    const cov = covariates.map(() => new Float64Array(n).fill(NaN));
    at.forEach((k, i) => {
      values[k] = r.values[i];
      cov.forEach((a, c) => (a[k] = r.covariates[c][i]));
    });
    let t = r.ts[0];
    for (let k = 0, i = 0; k < n; k++) {
      if (at[i] === k) t = r.ts[i++];
      else t = timestampAt(f, t, 1);
      timestamps[k] = t;
    }
    const missing = values.reduce((s, v) => s + (Number.isNaN(v) ? 1 : 0), 0);
    const series: Series = {
      id,
      timestamps,
      values,
      covariates: Object.fromEntries(covariates.map((c, k) => [c, cov[k]])),
    };
    return { series, gaps: n - at.length, missing };
  }
}

/** Carries the last value seen forward over NaNs (never backwards: a leading NaN stays NaN). */
export function fillForward(a: Float64Array): void {
  let last = NaN;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i])) a[i] = last;
    else last = a[i];
  }
}

function notes(gaps: number, missing: number, fill: 'ffill' | 'none'): string[] {
  const out: string[] = [];
  if (gaps > 0) out.push(`${gaps} missing step(s) inserted on the frequency grid`);
  if (missing > 0) out.push(`${missing} empty target/covariate cell(s)`);
  if (gaps + missing > 0)
    out.push(fill === 'ffill' ? 'filled with the last earlier value (never a later one)' : 'left missing (NaN)');
  return out;
}

function describeStep(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const [size, unit] = units.find(([s]) => ms % s === 0) ?? [1, 'ms'];
  return `${ms / size}${unit}`;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
