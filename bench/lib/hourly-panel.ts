import { seededRandom } from '../../src/training/core/series/shuffle';
import { gaussian } from '../../src/training/core/models/gaussian';
import { SeriesPanel } from '../../src/training/core/models';

const HOUR = 3_600_000;
/** Monday 2024-01-01 00:00 UTC: every series starts on a whole hour after it. */
const EPOCH = Date.UTC(2024, 0, 1);

/** A daily profile (24 values, mean 1) of one of the shapes hourly panels show. */
function dailyProfile(random: () => number): Float64Array {
  const shape = Math.floor(random() * 4);
  const peak = (centre: number, width: number) => (h: number) =>
    Math.exp(-0.5 * (Math.min(Math.abs(h - centre), 24 - Math.abs(h - centre)) / width) ** 2);
  let raw: (h: number) => number;
  if (shape === 0) {
    // Smooth cycle with harmonics (temperature, traffic volume).
    const a = [random(), random() * 0.5, random() * 0.25];
    const ph = [random(), random(), random()].map((p) => p * 2 * Math.PI);
    raw = (h) => 2 + a.reduce((acc, ak, k) => acc + ak * Math.sin(((k + 1) * 2 * Math.PI * h) / 24 + ph[k]), 0);
  } else if (shape === 1) {
    // Morning and evening peaks (electricity, commuting).
    const m = peak(7 + 3 * random(), 1 + 2 * random());
    const e = peak(17 + 4 * random(), 1 + 2 * random());
    const w = 0.3 + random();
    raw = (h) => 0.3 + m(h) + w * e(h);
  } else if (shape === 2) {
    // Business hours plateau (payments, web traffic).
    const open = 7 + Math.floor(4 * random());
    const close = open + 8 + Math.floor(5 * random());
    const floor = 0.05 + 0.5 * random();
    raw = (h) => (h >= open && h < close ? 1 : floor) + 0.1 * Math.sin((2 * Math.PI * h) / 24);
  } else {
    // One night peak (batch jobs, heating).
    const n = peak(Math.floor(24 * random()), 1.5 + 3 * random());
    raw = (h) => 0.4 + n(h);
  }
  const values = Float64Array.from({ length: 24 }, (_, h) => Math.max(0.01, raw(h)));
  const mean = values.reduce((a, b) => a + b, 0) / 24;
  return values.map((v) => v / mean);
}

interface SeriesSpec {
  level: number;
  amplitude: number;
  weekday: Float64Array;
  weekend: Float64Array;
  dayFactor: number[];
  multiplicative: boolean;
  trend: number;
  shifts: { at: number; factor: number }[];
  noise: number;
  ar: number;
  spikes: number;
}

function specOf(random: () => number, length: number): SeriesSpec {
  const weekday = dailyProfile(random);
  // Weekends: the same shape (scaled) or a shape of their own.
  const weekend = random() < 0.7 ? weekday : dailyProfile(random);
  const weekendLevel = 0.6 + 0.5 * random();
  const dayFactor = Array.from({ length: 7 }, (_, d) => (d >= 5 ? weekendLevel : 0.9 + 0.2 * random()));
  const shifts =
    random() < 0.3 ? [{ at: Math.floor(length * (0.3 + 0.6 * random())), factor: 0.6 + 0.8 * random() }] : [];
  return {
    level: 10 ** (0.5 + 4 * random()),
    amplitude: 0.1 + 0.9 * random(),
    weekday,
    weekend,
    dayFactor,
    multiplicative: random() < 0.7,
    trend: (random() - 0.5) * 0.0006,
    shifts,
    noise: 0.01 + 0.06 * random(),
    ar: 0.3 + 0.6 * random(),
    spikes: random() < 0.2 ? 0.003 + 0.01 * random() : 0,
  };
}

function seriesValues(spec: SeriesSpec, start: number, length: number, random: () => number): Float64Array {
  let ar = 0;
  return Float64Array.from({ length }, (_, i) => {
    const t = start + i;
    const day = Math.floor(t / 24) % 7;
    const profile = day >= 5 ? spec.weekend : spec.weekday;
    const season = spec.dayFactor[day] * (1 + spec.amplitude * (profile[t % 24] - 1));
    const shift = spec.shifts.reduce((f, s) => (i >= s.at ? f * s.factor : f), 1);
    const base = spec.level * shift * Math.max(0.05, 1 + spec.trend * i);
    // Persistent (AR(1)) noise, larger when the series is busier: heteroscedastic.
    ar = spec.ar * ar + Math.sqrt(1 - spec.ar * spec.ar) * spec.noise * gaussian(random);
    const spike = spec.spikes > 0 && random() < spec.spikes ? 1.5 + 1.5 * random() : 1;
    const value = spec.multiplicative
      ? base * season * Math.exp(ar) * spike
      : (base + 0.7 * spec.level * (season - 1) + spec.level * ar * Math.sqrt(season)) * spike;
    return Math.round(Math.max(0.02 * spec.level, value) * 100) / 100;
  });
}

/**
 * A realistic hourly panel (there is no hourly data here; built to look like M4 Hourly): daily
 * profiles of four shapes, weekday/weekend differences (weekly period 168), additive or
 * multiplicative seasonality, levels from ~3 to ~30,000, trends, level shifts, persistent
 * heteroscedastic noise and, for some series, intermittent spikes; lengths 700–960 plus the
 * horizon. Deterministic in `seed`.
 */
export function realisticHourly(count: number, horizon: number, seed: number): SeriesPanel {
  const random = seededRandom(seed);
  const series = Array.from({ length: count }, (_, k) => {
    const length = 700 + Math.floor(261 * random()) + horizon;
    const start = Math.floor(24 * 7 * 8 * random());
    const values = seriesValues(specOf(random, length), start, length, random);
    const timestamps = Float64Array.from(values, (_, i) => EPOCH + (start + i) * HOUR);
    return { id: `H${k + 1}`, values, timestamps };
  });
  return { series, frequency: 'H', stepMs: HOUR, seasonalPeriods: [24, 168] };
}
