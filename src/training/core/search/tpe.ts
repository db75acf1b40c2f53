import { jStat } from 'jstat';
import { gaussian } from '../models/gaussian';
import { seededRandom } from '../series/shuffle';
import { sampleSpace } from './random';
import { Dimension, SearchSpace, spaceSize } from './space';

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011), as Optuna's default sampler: after
 * `nStartup` random trials, the finished trials are split into the best γ(n) ("below") and the
 * rest ("above"); each parameter gets two Parzen estimators l(x) (below) and g(x) (above) —
 * truncated Gaussian mixtures for ranges (on the log scale for log ranges, widened by ½ for
 * integers), weighted frequencies for choices, each with a flat prior component — and the next
 * candidate is the one of `nEiCandidates` draws from l that maximises l(x)/g(x), which maximises
 * expected improvement. Univariate (parameters independent), like Optuna's default.
 */
export interface Trial {
  params: Record<string, unknown>;
  /** The objective, lower is better (negate a score to maximise). Non-finite values count as worst. */
  value: number;
}

export interface TpeOptions {
  nStartup?: number;
  nEiCandidates?: number;
  /** Size of the "below" group for n finished trials (Optuna: min(ceil(0.1·n), 25)). */
  gamma?: (n: number) => number;
  priorWeight?: number;
  /**
   * The number of the trial being suggested (default `trials.length`): with trials in flight
   * the finished ones are fewer, and each trial still needs its own draw and startup decision.
   */
  trialIndex?: number;
  /** Params not to suggest again: the trials tried and in flight. */
  avoid?: Record<string, unknown>[];
}

const defaultGamma = (n: number): number => Math.min(Math.ceil(0.1 * n), 25);

/**
 * The candidate of trial number `trialIndex`, reproducible from the seed, the finished trials and
 * `avoid`. A suggestion that is already in `avoid` (tried, or in flight) is replaced: a startup
 * trial by the next random draw, a TPE one by the best-scoring joint draw from l(x) not in it;
 * without any, the suggestion stands (the space is exhausted around it).
 */
export function tpeSuggest(
  space: SearchSpace,
  trials: Trial[],
  seed: number,
  options: TpeOptions = {},
): Record<string, unknown> {
  const nStartup = options.nStartup ?? 10;
  const index = options.trialIndex ?? trials.length;
  const trialSeed = (seed + Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  const avoided = new Set((options.avoid ?? []).map((p) => paramsKey(space, p)));
  const fresh = (p: Record<string, unknown>) => !avoided.has(paramsKey(space, p));
  if (index < nStartup) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const draw = sampleSpace(space, 1, (trialSeed + attempt) >>> 0)[0];
      if (fresh(draw)) return draw;
    }
    // A small space nearly exhausted: a uniform pick among what is left.
    const left = (enumerateSpace(space) ?? []).filter(fresh);
    const pick = seededRandom(trialSeed);
    return left.length > 0 ? left[Math.floor(pick() * left.length)] : sampleSpace(space, 1, trialSeed)[0];
  }
  const sorted = [...trials].sort((a, b) => finite(a.value) - finite(b.value));
  const nBelow = Math.max(1, (options.gamma ?? defaultGamma)(sorted.length));
  const prior = options.priorWeight ?? 1;
  const dims = space.map((d) => ({
    d,
    l: estimator(
      d,
      sorted.slice(0, nBelow).map((t) => t.params[d.name]),
      prior,
    ),
    g: estimator(
      d,
      sorted.slice(nBelow).map((t) => t.params[d.name]),
      prior,
    ),
  }));
  const random = seededRandom(trialSeed);
  const k = options.nEiCandidates ?? 24;
  // Optuna's univariate rule: each parameter maximises l/g on its own.
  const best = Object.fromEntries(
    dims.map(({ d, l, g }) => {
      let arg: number = l.sample(random);
      for (let i = 1; i < k; i++) {
        const x = l.sample(random);
        if (l.logPdf(x) - g.logPdf(x) > l.logPdf(arg) - g.logPdf(arg)) arg = x;
      }
      return [d.name, l.decode(arg)];
    }),
  );
  if (fresh(best)) return best;
  // The best joint candidate not avoided: every one of a small finite space, else draws from l.
  const score = (params: Record<string, unknown>) =>
    dims.reduce((sum, { d, l, g }) => {
      const x = l.encode(params[d.name]);
      return sum + l.logPdf(x) - g.logPdf(x);
    }, 0);
  const candidates =
    enumerateSpace(space) ??
    Array.from({ length: 4 * k }, () =>
      Object.fromEntries(dims.map(({ d, l }) => [d.name, l.decode(l.sample(random))])),
    );
  let alternative: { params: Record<string, unknown>; score: number } | undefined;
  for (const params of candidates.filter(fresh)) {
    const value = score(params);
    if (!alternative || value > alternative.score) alternative = { params, score: value };
  }
  return alternative?.params ?? best;
}

const MAX_ENUMERATED = 4096;

/** Every candidate of a finite space of at most MAX_ENUMERATED points, else undefined. */
function enumerateSpace(space: SearchSpace): Record<string, unknown>[] | undefined {
  if (spaceSize(space) > MAX_ENUMERATED) return undefined;
  let out: Record<string, unknown>[] = [{}];
  for (const d of space) {
    const values =
      d.kind === 'choice'
        ? d.values
        : Array.from({ length: d.max - d.min + 1 }, (_, i) => (d as { min: number }).min + i);
    out = out.flatMap((p) => values.map((v) => ({ ...p, [d.name]: v })));
  }
  return out;
}

/** Identity of a candidate in a space (params in the space's order). */
export function paramsKey(space: SearchSpace, params: Record<string, unknown>): string {
  return JSON.stringify(space.map((d) => params[d.name]));
}

const finite = (v: number): number => (Number.isFinite(v) ? v : Infinity);

interface Estimator {
  /** A draw on the internal scale (an index for choices). */
  sample(random: () => number): number;
  logPdf(x: number): number;
  /** Internal value → parameter value. */
  decode(x: unknown): unknown;
  /** Parameter value → internal value. */
  encode(v: unknown): number;
}

function estimator(d: Dimension, observed: unknown[], prior: number): Estimator {
  return d.kind === 'choice' ? categorical(d.values, observed, prior) : parzen(d, observed, prior);
}

function categorical(values: unknown[], observed: unknown[], prior: number): Estimator {
  const keys = values.map((v) => JSON.stringify(v));
  const weights = values.map(() => prior / values.length);
  for (const o of observed) {
    const i = keys.indexOf(JSON.stringify(o));
    if (i >= 0) weights[i] += 1;
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const p = weights.map((w) => w / total);
  return {
    sample(random) {
      let u = random();
      for (let i = 0; i < p.length; i++) if ((u -= p[i]) < 0) return i;
      return p.length - 1;
    },
    logPdf: (i) => Math.log(p[i]),
    decode: (i) => values[i as number],
    encode: (v) => keys.indexOf(JSON.stringify(v)),
  };
}

type RangeDimension = Extract<Dimension, { kind: 'range' }>;

function parzen(d: RangeDimension, observed: unknown[], prior: number): Estimator {
  const toInternal = (v: number) => (d.log ? Math.log(v) : v);
  const low = toInternal(d.int ? d.min - 0.5 : d.min);
  const high = toInternal(d.int ? d.max + 0.5 : d.max);
  const span = high - low;
  const mus = observed.filter((v): v is number => typeof v === 'number').map(toInternal);
  // Optuna's bandwidths: the larger gap to the sorted neighbours (the prior's centre and the
  // bounds included), clipped to [span / min(100, 1 + n), span]; the prior is N(centre, span).
  const centre = (low + high) / 2;
  const points = [...mus, centre].sort((a, b) => a - b);
  const minSigma = span / Math.min(100, 1 + points.length);
  const sigmaOf = (mu: number) => {
    const i = points.indexOf(mu);
    const left = i > 0 ? mu - points[i - 1] : mu - low;
    const right = i < points.length - 1 ? points[i + 1] - mu : high - mu;
    return Math.min(span, Math.max(minSigma, left, right));
  };
  const components = [
    ...mus.map((mu) => ({ mu, sigma: sigmaOf(mu), weight: 1 })),
    { mu: centre, sigma: span, weight: prior },
  ];
  const total = components.reduce((a, c) => a + c.weight, 0);
  const logPdf = (x: number) => {
    let p = 0;
    for (const c of components) {
      const mass = jStat.normal.cdf(high, c.mu, c.sigma) - jStat.normal.cdf(low, c.mu, c.sigma);
      p +=
        (c.weight / total) * (Math.exp(-0.5 * ((x - c.mu) / c.sigma) ** 2) / (c.sigma * Math.sqrt(2 * Math.PI) * mass));
    }
    return Math.log(p);
  };
  return {
    sample(random) {
      let u = random() * total;
      let c = components[components.length - 1];
      for (const comp of components)
        if ((u -= comp.weight) < 0) {
          c = comp;
          break;
        }
      for (let tries = 0; tries < 100; tries++) {
        const x = c.mu + c.sigma * gaussian(random);
        if (x >= low && x <= high) return x;
      }
      return Math.min(high, Math.max(low, c.mu));
    },
    logPdf,
    encode: (v) => toInternal(v as number),
    decode(x) {
      const v = d.log ? Math.exp(x as number) : (x as number);
      if (d.int) return Math.min(d.max, Math.max(d.min, Math.round(v)));
      return Math.min(d.max, Math.max(d.min, Number(v.toPrecision(6))));
    },
  };
}
