import type { Frequency } from './frequency';
import type { ColumnRole } from './mapping';

/** One series on its frequency grid (gaps inserted as NaN, then filled from the past or left NaN). */
export interface Series {
  id: string;
  timestamps: Float64Array;
  values: Float64Array;
  /** Covariates by column name, aligned with `values`. */
  covariates: Record<string, Float64Array>;
}

/** A parsed, validated series dataset: one frequency, one target, one or many series (a panel). */
export interface SeriesDataset {
  frequency: Frequency;
  seasonalPeriods: number[];
  target: string;
  columns: { name: string; role: ColumnRole }[];
  series: Series[];
}

export interface SeriesSummary {
  id: string;
  length: number;
  first: string;
  last: string;
  /** Grid steps with no value in the upload (gaps and empty cells), before filling. */
  missing: number;
}

/** What `GET /api/v1/training/datasets/{name}` says about a dataset (snake_case: stored and served as is). */
export interface SeriesDescription {
  name: string;
  kind: 'series' | 'prices';
  format: 'csv' | 'ndjson' | 'yahoo-csv';
  rows: number;
  series_count: number;
  frequency: string;
  seasonal_periods: number[];
  first_timestamp: string;
  last_timestamp: string;
  length: { min: number; max: number; mean: number };
  missing_share: number;
  columns: { name: string; role: ColumnRole }[];
  /** What was inferred, and why (absent when the mapping was declared in full). */
  inferred?: string[];
  validation: {
    duplicates: number;
    unordered_rows: number;
    irregular_steps: number;
    mixed_frequencies: boolean;
    gaps: number;
    missing_values: number;
    fill: 'ffill' | 'none';
    notes: string[];
  };
  digest: string;
  /** Per series (the first 1000). */
  series: SeriesSummary[];
  uploaded_at?: number;
}

/** The stored form of a dataset (JSON; NaN as null). */
export interface StoredSeriesDataset {
  format_version: 1;
  frequency: string;
  seasonal_periods: number[];
  target: string;
  columns: { name: string; role: ColumnRole }[];
  series: {
    id: string;
    timestamps: number[];
    values: (number | null)[];
    covariates: Record<string, (number | null)[]>;
  }[];
}
