import type { Frequency } from './frequency';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Calendar features of timestamps, as sine/cosine pairs of the cycles finer than a year that
 * the frequency can see (hour of day below a day, day of week below a week, month of year).
 * Computed from the timestamps being forecast (the *target* times), they are known in
 * advance: a model may read them for every step of its horizon.
 */
export function calendarFeatures(f: Frequency, timestamps: Float64Array): Record<string, Float64Array> {
  const step = f.kind === 'calendar' ? 30 * DAY : (f.stepMs as number);
  const cycles: [string, (t: number) => number, number][] = [];
  if (step < DAY) cycles.push(['hour', (t) => (t % DAY) / HOUR, 24]);
  if (step < 7 * DAY) cycles.push(['weekday', (t) => new Date(t).getUTCDay(), 7]);
  if (step < 365 * DAY) cycles.push(['month', (t) => new Date(t).getUTCMonth(), 12]);
  const out: Record<string, Float64Array> = {};
  for (const [name, value, period] of cycles) {
    const sin = new Float64Array(timestamps.length);
    const cos = new Float64Array(timestamps.length);
    timestamps.forEach((t, i) => {
      const angle = (2 * Math.PI * value(t)) / period;
      sin[i] = Math.sin(angle);
      cos[i] = Math.cos(angle);
    });
    out[`cal_${name}_sin`] = sin;
    out[`cal_${name}_cos`] = cos;
  }
  return out;
}
