/**
 * Timestamps of series datasets: ISO dates (`2024-01-31`), months (`2024-01`), date-times with
 * or without seconds, `T` or a space, and an optional `Z` / `±hh:mm` offset. Naive times are
 * read as UTC (a dataset has one clock; daylight-saving shifts would fake irregular steps).
 */
const PATTERN =
  /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Epoch milliseconds of a timestamp string, or undefined when it is not one (or not a real date). */
export function parseTimestamp(raw: string): number | undefined {
  const m = PATTERN.exec(raw.trim());
  if (!m) return undefined;
  const [y, mo, d = '01', h = '00', mi = '00', s = '00', frac = '0', zone] = m.slice(1);
  if (zone && m[4] === undefined) return undefined;
  const ms = Math.round(Number(`0.${frac}`) * 1000);
  const utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
  const check = new Date(utc);
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) return undefined;
  return utc - offsetMs(zone);
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** ISO form for answers: a date for daily and coarser steps at midnight, else a full UTC instant. */
export function formatTimestamp(ms: number, dateOnly: boolean): string {
  const iso = new Date(ms).toISOString();
  return dateOnly ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}
