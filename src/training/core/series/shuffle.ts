/**
 * Seeded pseudo-randomness for training: a reproducible order of windows per epoch, so
 * mini-batches are not in time order (consecutive windows overlap and make batches near
 * duplicates) while the same seed still trains the same model.
 */

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Fisher-Yates permutation of 0..n-1 drawn from `seed`. */
export function permutation(n: number, seed: number): Int32Array {
  return shuffledIndices(n, seededRandom(seed));
}

/** A Fisher-Yates permutation of 0..n-1 drawn from the stream `rand`. */
export function shuffledIndices(n: number, rand: () => number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/** The window order of one epoch (1-based epoch): a different permutation per epoch, fixed by the seed. */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  return permutation(count, (seed * 1_000_003 + epoch * 7919) >>> 0);
}
