import { describe, expect, it } from 'vitest';
import { epochOrder, permutation, seededRandom } from './shuffle';

describe('seeded shuffling', () => {
  it('draws a permutation, reproducibly per seed', () => {
    const p = permutation(100, 42);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...permutation(100, 42)]).toEqual([...p]);
    expect([...permutation(100, 43)]).not.toEqual([...p]);
    expect([...p]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('changes the order every epoch', () => {
    expect([...epochOrder(50, 1, 1)]).not.toEqual([...epochOrder(50, 1, 2)]);
    expect([...epochOrder(50, 1, 2)]).toEqual([...epochOrder(50, 1, 2)]);
  });

  it('is roughly uniform', () => {
    const r = seededRandom(9);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) bins[Math.floor(r() * 10)]++;
    for (const b of bins) expect(Math.abs(b - 1000)).toBeLessThan(120);
  });
});
