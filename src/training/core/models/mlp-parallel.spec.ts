import { describe, expect, it } from 'vitest';
import { seededRandom } from '../series/shuffle';
import { globalMlpFamily } from './global-mlp';
import { Mlp } from './mlp';
import { ParallelMlpTrainer } from './mlp-parallel';
import type { SeriesPanel } from './series-model';

/** Needs the compiled worker (`npx tsc -p tsconfig.build.json`, done by `npm test` before vitest). */
function batches(steps: number, batch: number, inSize: number, outSize: number): [Float64Array[], Float64Array[]][] {
  const random = seededRandom(7);
  return Array.from({ length: steps }, () => [
    Array.from({ length: batch }, () => Float64Array.from({ length: inSize }, () => random() * 2 - 1)),
    Array.from({ length: batch }, () => Float64Array.from({ length: outSize }, () => random() * 2 - 1)),
  ]);
}

function panel(): SeriesPanel {
  const series = Array.from({ length: 6 }, (_, i) => {
    const n = 200;
    const values = Float64Array.from(
      { length: n },
      (_, t) => 50 + 10 * i + 8 * Math.sin((2 * Math.PI * t) / 24) + ((t * 37 + i * 11) % 7),
    );
    const timestamps = Float64Array.from({ length: n }, (_, t) => Date.UTC(2024, 0, 1) + t * 3_600_000);
    return { id: `s${i}`, values, timestamps };
  });
  return { series, frequency: 'H', stepMs: 3_600_000, seasonalPeriods: [24] };
}

describe('data-parallel MLP training', () => {
  it('gives the same network bit for bit on one thread and on three', async () => {
    const sizes = [12, 16, 16, 4];
    const data = batches(30, 37, 12, 4);
    const one = new Mlp(sizes, seededRandom(3));
    const many = new Mlp(sizes, seededRandom(3));
    const trainer = ParallelMlpTrainer.create(many, 3, 64);
    expect(trainer.threadCount).toBe(3);
    try {
      for (const [x, y] of data) {
        const a = one.trainBatch(x, y, 1e-2);
        const b = trainer.trainBatch(x, y, 1e-2);
        expect(b).toBe(a);
      }
    } finally {
      await trainer.close();
    }
    expect(many.toJSON()).toEqual(one.toJSON());
    expect(one.toJSON().weights[0]).not.toEqual(new Mlp(sizes, seededRandom(3)).toJSON().weights[0]);
  });

  it('global_mlp forecasts the same whatever the thread count', async () => {
    const p = panel();
    const params = { steps: 60, hidden: 16, batch_size: 16 };
    const fit = (threads: number) => globalMlpFamily.fit(p, params, { horizon: 24, seed: 5, threads });
    const [a, b] = [await fit(1), await fit(2)];
    const request = { history: p.series[2], horizon: 24, levels: [0.8] };
    expect(Array.from(b.forecast(request).mean)).toEqual(Array.from(a.forecast(request).mean));
    expect(b.state()).toEqual(a.state());
  });

  it('refuses a batch larger than its shared buffer', async () => {
    const trainer = ParallelMlpTrainer.create(new Mlp([3, 4, 2], seededRandom(1)), 2, 4);
    try {
      const [[x, y]] = batches(1, 5, 3, 2);
      expect(() => trainer.trainBatch(x, y, 1e-3)).toThrow(/exceeds 4/);
    } finally {
      await trainer.close();
    }
  });
});
