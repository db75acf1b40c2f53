import { TrainingInputError } from '../errors';
import { seededRandom } from '../series/shuffle';
import { Dimension, SearchSpace, spaceSize } from './space';

function draw(d: Dimension, next: () => number): unknown {
  if (d.kind === 'choice') return d.values[Math.floor(next() * d.values.length)];
  if (d.int) {
    // Integers: uniform over min..max, or over the log scale, each integer equally wide on it.
    const u = d.log
      ? Math.exp(Math.log(d.min) + next() * (Math.log(d.max + 1) - Math.log(d.min)))
      : d.min + next() * (d.max - d.min + 1);
    return Math.min(d.max, Math.floor(u));
  }
  const v = d.log
    ? Math.exp(Math.log(d.min) + next() * (Math.log(d.max) - Math.log(d.min)))
    : d.min + next() * (d.max - d.min);
  // Round to 6 significant digits: readable params, still continuous for any practical purpose.
  return Math.min(d.max, Math.max(d.min, Number(v.toPrecision(6))));
}

/**
 * `n` distinct candidates sampled from the space (random search), reproducible from `seed`.
 * A space with fewer than `n` distinct candidates is refused: that is a grid.
 */
export function sampleSpace(space: SearchSpace, n: number, seed: number): Record<string, unknown>[] {
  const size = spaceSize(space);
  if (size < n)
    throw new TrainingInputError(
      `n_candidates (${n}) exceeds the ${size} distinct candidates of the space; lower it or use strategy 'grid'`,
    );
  const next = seededRandom(seed);
  const seen = new Set<string>();
  const out: Record<string, unknown>[] = [];
  // Rejection of duplicates: bounded, since the space has at least n distinct points.
  for (let tries = 0; out.length < n && tries < 100 * n + 1000; tries++) {
    const c = Object.fromEntries(space.map((d) => [d.name, draw(d, next)]));
    const key = JSON.stringify(c);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  if (out.length < n) throw new TrainingInputError(`could not draw ${n} distinct candidates from the space`);
  return out;
}
