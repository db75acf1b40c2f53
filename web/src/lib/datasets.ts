/** Reading GET /api/v1/training/datasets[/{name}] for people (unit-tested in datasets.spec.ts). */

export interface SeriesRow {
  id: string;
  length: number;
  first: string;
  last: string;
  /** Grid steps with no value in the upload, before filling. */
  missing: number;
}

export interface Validation {
  duplicates?: number;
  unordered_rows?: number;
  irregular_steps?: number;
  mixed_frequencies?: boolean;
  gaps?: number;
  missing_values?: number;
  fill?: 'ffill' | 'none';
  notes?: string[];
}

/**
 * A dataset as the server describes it: price uploads (rows, first_date, last_date) and series
 * datasets (frequency, seasonal periods, length per series, columns and roles, findings, and
 * per series the first 1000). Unknown fields are kept and shown as they come.
 */
export type Dataset = Record<string, unknown> & {
  name: string;
  kind?: 'prices' | 'series';
  rows?: number;
  series_count?: number;
  frequency?: string;
  seasonal_periods?: number[];
  first_timestamp?: string;
  last_timestamp?: string;
  first_date?: string;
  last_date?: string;
  length?: { min: number; max: number; mean: number };
  missing_share?: number;
  columns?: { name: string; role: string }[];
  inferred?: string[];
  validation?: Validation;
  series?: SeriesRow[];
  digest?: string;
  uploaded_at?: number;
};

const UNITS: Record<string, string> = {
  min: 'minute',
  H: 'hour',
  D: 'day',
  W: 'week',
};
const NAMED: Record<string, string> = {
  H: 'hourly',
  D: 'daily',
  B: 'business days',
  W: 'weekly',
  M: 'monthly',
  Q: 'quarterly',
  Y: 'yearly',
};

/** 'H' → 'hourly', '15min' → 'every 15 minutes', '2H' → 'every 2 hours'; unknown aliases as they are. */
export function frequencyName(alias: string | undefined): string {
  if (!alias) return '';
  if (alias in NAMED) return NAMED[alias];
  const m = /^(\d+)(min|H|D|W)$/.exec(alias);
  if (!m) return alias;
  const n = Number(m[1]);
  return n === 1 ? (NAMED[m[2]] ?? `every ${UNITS[m[2]]}`) : `every ${n} ${UNITS[m[2]]}s`;
}

export type Severity = 'problem' | 'info';

/** The validation block as sentences: what was found in the upload, and what was done about it. */
export function findings(d: Dataset): { text: string; severity: Severity }[] {
  const v = d.validation;
  const out: { text: string; severity: Severity }[] = [];
  if (v) {
    const counted: [number | undefined, string][] = [
      [v.duplicates, 'duplicate timestamp(s)'],
      [v.unordered_rows, 'row(s) out of time order'],
      [v.irregular_steps, 'irregular step(s)'],
    ];
    for (const [n, what] of counted) if (n) out.push({ text: `${n} ${what}`, severity: 'problem' });
    if (v.mixed_frequencies) out.push({ text: 'mixed frequencies inside a series', severity: 'problem' });
    for (const note of v.notes ?? []) out.push({ text: note, severity: 'info' });
    if (out.length === 0) out.push({ text: 'no gaps, duplicates or irregular steps', severity: 'info' });
  }
  for (const why of d.inferred ?? []) out.push({ text: `inferred ${why}`, severity: 'info' });
  return out;
}

export type SeriesSort = 'id' | 'length' | 'missing' | 'first' | 'last';

/** Ids containing `filter` (case-insensitive), sorted by `sort` (missing: by share of the length), one page of `size`. */
export function seriesPage(
  rows: readonly SeriesRow[],
  o: { filter: string; sort: SeriesSort; desc: boolean; page: number; size: number },
): { rows: SeriesRow[]; matched: number; pages: number; page: number } {
  const needle = o.filter.trim().toLowerCase();
  const matched = needle ? rows.filter((r) => r.id.toLowerCase().includes(needle)) : [...rows];
  const key = (r: SeriesRow): number | string =>
    o.sort === 'missing' ? missingShare(r) : o.sort === 'length' ? r.length : r[o.sort];
  matched.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const c =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : String(x).localeCompare(String(y), undefined, { numeric: true });
    return o.desc ? -c : c;
  });
  const pages = Math.max(1, Math.ceil(matched.length / o.size));
  const page = Math.min(Math.max(0, o.page), pages - 1);
  return { rows: matched.slice(page * o.size, (page + 1) * o.size), matched: matched.length, pages, page };
}

export const missingShare = (r: SeriesRow) => (r.length > 0 ? r.missing / r.length : 0);

export const pct = (share: number | undefined) =>
  share === undefined ? '' : `${(share * 100).toFixed(share > 0 && share < 0.001 ? 3 : 1)} %`;
