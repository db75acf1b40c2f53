import type { DriftStat } from '../monitor.types';

/** Floor of a bin's share, so an empty bin gives a large but finite PSI term. */
const EPS = 1e-4;
const BINS = 10;

/**
 * Population stability index of `recent` against `reference`: bins at the reference's deciles
 * (distinct edges only), PSI = Σ (q - p) · ln(q / p) over the bins' shares p (reference) and
 * q (recent). Usual reading: < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 large shift.
 */
export function psi(reference: readonly number[], recent: readonly number[], bins = BINS): number {
  if (reference.length === 0 || recent.length === 0) return NaN;
  const sorted = [...reference].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const e = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / bins))];
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  const shares = (xs: readonly number[]) => {
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const x of xs) counts[binOf(edges, x)]++;
    return counts.map((c) => Math.max(c / xs.length, EPS));
  };
  const p = shares(reference);
  const q = shares(recent);
  return p.reduce((sum, pi, i) => sum + (q[i] - pi) * Math.log(q[i] / pi), 0);
}

/** Bin i holds values in [edges[i-1], edges[i]): the first edge above x. */
function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x >= edges[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Two-sample Kolmogorov-Smirnov statistic: the largest gap between the two empirical CDFs. */
export function ksStatistic(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return NaN;
  const x = [...a].sort((u, v) => u - v);
  const y = [...b].sort((u, v) => u - v);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** Asymptotic p-value of a KS statistic d for samples of n and m (Numerical Recipes' probks). */
export function ksPValue(d: number, n: number, m: number): number {
  if (!Number.isFinite(d) || n === 0 || m === 0) return NaN;
  const en = Math.sqrt((n * m) / (n + m));
  const lambda = (en + 0.12 + 0.11 / en) * d;
  if (lambda < 1e-3) return 1;
  let sum = 0;
  let sign = 1;
  for (let j = 1; j <= 100; j++) {
    const term = sign * Math.exp(-2 * j * j * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-10) break;
    sign = -sign;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

export function driftStat(reference: readonly number[], recent: readonly number[]): DriftStat {
  const ks = ksStatistic(reference, recent);
  return {
    psi: psi(reference, recent),
    ks,
    ks_p_value: ksPValue(ks, reference.length, recent.length),
    reference_n: reference.length,
    recent_n: recent.length,
  };
}

/** Daily log returns ln(c[t] / c[t-1]), one fewer than the closes. */
export function logReturns(closes: readonly number[]): number[] {
  const out: number[] = [];
  for (let t = 1; t < closes.length; t++) out.push(Math.log(closes[t] / closes[t - 1]));
  return out;
}
