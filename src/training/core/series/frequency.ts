import { TrainingInputError } from '../errors';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/**
 * A series frequency: a fixed step (minutes .. weeks), business days (Mon-Fri), or calendar
 * months/quarters/years. Every timestamp of a series sits on an integer position of its grid
 * (`gridIndex`); the gaps of a series are the positions it skips.
 */
export interface Frequency {
  /** pandas-like alias: '5min', 'H', '2H', 'D', 'B', 'W', 'M', 'Q', 'Y'. */
  alias: string;
  kind: 'fixed' | 'business' | 'calendar';
  /** fixed: the step in ms; business: one day. */
  stepMs?: number;
  /** calendar: months per step (1, 3, 12). */
  months?: number;
}

const CALENDAR: Record<string, number> = { M: 1, Q: 3, Y: 12 };

/** Reads an alias ('15min', 'H', '6H', 'D', 'B', 'W', 'M', 'Q', 'Y'); a bad one is a 400 naming it. */
export function parseFrequency(alias: string): Frequency {
  if (alias === 'B') return { alias, kind: 'business', stepMs: DAY };
  if (alias in CALENDAR) return { alias, kind: 'calendar', months: CALENDAR[alias] };
  const m = /^(\d*)(min|H|D|W)$/.exec(alias);
  const k = m ? (m[1] === '' ? 1 : Number(m[1])) : 0;
  if (!m || k < 1)
    throw new TrainingInputError(`Unknown frequency '${alias.slice(0, 20)}': use e.g. 5min, H, D, B, W, M, Q, Y.`);
  const unit = { min: MINUTE, H: HOUR, D: DAY, W: WEEK }[m[2] as 'min' | 'H' | 'D' | 'W'];
  return fixed(k * unit);
}

function fixed(stepMs: number): Frequency {
  const name = (k: number, unit: string) => (k === 1 && unit !== 'min' ? unit : `${k}${unit}`);
  const alias =
    stepMs % WEEK === 0 && stepMs === WEEK
      ? 'W'
      : stepMs % DAY === 0
        ? name(stepMs / DAY, 'D')
        : stepMs % HOUR === 0
          ? name(stepMs / HOUR, 'H')
          : name(stepMs / MINUTE, 'min');
  return { alias, kind: 'fixed', stepMs };
}

const monthIndex = (t: number) => {
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};
const isMonthEnd = (t: number) => new Date(t + DAY).getUTCDate() === 1;
const weekday = (t: number) => new Date(t).getUTCDay();

/** Weekdays (Mon-Fri) from the epoch (a Thursday) to the day of `t`. */
function businessIndex(t: number): number {
  const days = Math.floor(t / DAY);
  const weeks = Math.floor((days + 3) / 7); // weeks since Monday 1969-12-29
  const dow = (((days + 3) % 7) + 7) % 7; // 0 = Monday
  return weeks * 5 + Math.min(dow, 5) - 2; // 1970-01-01 (Thu) → 1
}

/**
 * The frequency a set of timestamps follows: the smallest step between consecutive
 * timestamps that a series repeats most, recognised as calendar months when every timestamp
 * is the same day of month (or a month end) a whole number of months apart, and as business
 * days when daily timestamps never fall on a weekend.
 */
export function inferFrequency(series: readonly (readonly number[])[]): Frequency | undefined {
  const counts = new Map<number, number>();
  for (const ts of series)
    for (let i = 1; i < ts.length; i++) counts.set(ts[i] - ts[i - 1], (counts.get(ts[i] - ts[i - 1]) ?? 0) + 1);
  if (counts.size === 0) return undefined;
  const modal = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  const all = series.flat();
  if (modal >= 28 * DAY) {
    const calendar = calendarFrequency(series, all);
    if (calendar) return calendar;
  }
  if (modal === DAY || modal === 3 * DAY) {
    if (all.every((t) => t % DAY === all[0] % DAY && weekday(t) !== 0 && weekday(t) !== 6) && all.length > 5)
      return { alias: 'B', kind: 'business', stepMs: DAY };
  }
  return modal > 0 ? fixed(modal) : undefined;
}

function calendarFrequency(series: readonly (readonly number[])[], all: number[]): Frequency | undefined {
  const sameDay = all.every(
    (t) => new Date(t).getUTCDate() === new Date(all[0]).getUTCDate() && t % DAY === all[0] % DAY,
  );
  const monthEnds = all.every((t) => isMonthEnd(t) && t % DAY === all[0] % DAY);
  if (!sameDay && !monthEnds) return undefined;
  const steps = new Map<number, number>();
  for (const ts of series)
    for (let i = 1; i < ts.length; i++) {
      const k = monthIndex(ts[i]) - monthIndex(ts[i - 1]);
      steps.set(k, (steps.get(k) ?? 0) + 1);
    }
  const months = [...steps.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
  const alias = months === 1 ? 'M' : months === 3 ? 'Q' : months === 12 ? 'Y' : undefined;
  return alias ? { alias, kind: 'calendar', months } : undefined;
}

/**
 * Position of `t` on the grid anchored at `anchor` (a timestamp of the same series): an
 * integer for timestamps on the grid, NaN for timestamps off it (a weekend day of a business
 * series, a half step, another day of month).
 */
export function gridIndex(f: Frequency, anchor: number, t: number): number {
  if (f.kind === 'business') {
    if (weekday(t) === 0 || weekday(t) === 6 || (t - anchor) % DAY !== 0) return NaN;
    return businessIndex(t) - businessIndex(anchor);
  }
  if (f.kind === 'calendar') {
    const months = monthIndex(t) - monthIndex(anchor);
    const aligned =
      t % DAY === anchor % DAY &&
      (isMonthEnd(anchor) ? isMonthEnd(t) : new Date(t).getUTCDate() === new Date(anchor).getUTCDate());
    return aligned && months % (f.months as number) === 0 ? months / (f.months as number) : NaN;
  }
  const k = (t - anchor) / (f.stepMs as number);
  return Number.isInteger(k) ? k : NaN;
}

/** The timestamp `steps` grid positions after `anchor` (the inverse of gridIndex). */
export function timestampAt(f: Frequency, anchor: number, steps: number): number {
  if (f.kind === 'fixed') return anchor + steps * (f.stepMs as number);
  if (f.kind === 'business') {
    let t = anchor;
    let left = steps;
    while (left > 0) {
      t += DAY;
      if (weekday(t) !== 0 && weekday(t) !== 6) left--;
    }
    return t;
  }
  const d = new Date(anchor);
  const total = d.getUTCMonth() + steps * (f.months as number);
  const time = anchor % DAY;
  if (isMonthEnd(anchor)) return Date.UTC(d.getUTCFullYear(), total + 1, 1) - DAY + time;
  return Date.UTC(d.getUTCFullYear(), total, d.getUTCDate()) + time;
}

/**
 * Seasonal periods in steps, shortest first: the day and week of sub-daily data, the week and
 * year of daily data (5 and ~261 for business days), a year of weeks, months or quarters.
 */
export function seasonalPeriods(f: Frequency): number[] {
  if (f.kind === 'business') return [5, 261];
  if (f.kind === 'calendar') return f.months === 1 ? [12] : f.months === 3 ? [4] : [];
  const step = f.stepMs as number;
  if (step === WEEK) return [52];
  if (step === DAY) return [7, 365.25];
  if (step < DAY) return [DAY / step, WEEK / step].filter((p) => Number.isInteger(p) && p > 1);
  return [];
}

/** True for frequencies whose timestamps print as dates (a day or coarser, at midnight). */
export function dateOnly(f: Frequency, sample: number): boolean {
  return (f.kind !== 'fixed' || (f.stepMs as number) % DAY === 0) && sample % DAY === 0;
}
