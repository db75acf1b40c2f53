import { createHash } from 'node:crypto';
import { BuiltDataset, SeriesDatasetBuilder } from './builder';
import { parseFrequency } from './frequency';
import type { SeriesMapping } from './mapping';
import type { SeriesDataset, SeriesDescription, StoredSeriesDataset } from './series-dataset';
import { TableFormat, TableParser } from './table';

/**
 * A series upload fed a piece at a time (CSV or NDJSON): `push` parses and converts every
 * complete line so far, `end` validates and returns the dataset with its description.
 */
export class SeriesUploadParser {
  private readonly builder: SeriesDatasetBuilder;
  private readonly table: TableParser;

  constructor(
    private readonly file: string,
    readonly format: TableFormat,
    mapping: SeriesMapping,
  ) {
    this.builder = new SeriesDatasetBuilder(file, mapping);
    this.table = new TableParser(file, format, (row) => this.builder.row(this.table.header as string[], row));
  }

  push(text: string): void {
    this.table.push(text);
  }

  end(name: string): { dataset: SeriesDataset; stored: StoredSeriesDataset; description: SeriesDescription } {
    const built: BuiltDataset = this.builder.finish(this.table.end());
    const stored = toStored(built.dataset);
    return {
      dataset: built.dataset,
      stored,
      description: { name, format: this.format, ...built.description, digest: digestOf(stored) },
    };
  }
}

const nullable = (a: Float64Array) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
const floats = (a: (number | null)[]) => Float64Array.from(a, (v) => (v === null ? NaN : v));

export function toStored(d: SeriesDataset): StoredSeriesDataset {
  return {
    format_version: 1,
    frequency: d.frequency.alias,
    seasonal_periods: d.seasonalPeriods,
    target: d.target,
    columns: d.columns,
    series: d.series.map((s) => ({
      id: s.id,
      timestamps: Array.from(s.timestamps),
      values: nullable(s.values),
      covariates: Object.fromEntries(Object.entries(s.covariates).map(([k, v]) => [k, nullable(v)])),
    })),
  };
}

export function fromStored(s: StoredSeriesDataset): SeriesDataset {
  return {
    frequency: parseFrequency(s.frequency),
    seasonalPeriods: s.seasonal_periods,
    target: s.target,
    columns: s.columns,
    series: s.series.map((x) => ({
      id: x.id,
      timestamps: Float64Array.from(x.timestamps),
      values: floats(x.values),
      covariates: Object.fromEntries(Object.entries(x.covariates).map(([k, v]) => [k, floats(v)])),
    })),
  };
}

/** MLflow dataset digest of the stored form: the first 16 hex digits of its SHA-256. */
export function digestOf(stored: StoredSeriesDataset): string {
  return createHash('sha256').update(JSON.stringify(stored)).digest('hex').slice(0, 16);
}
