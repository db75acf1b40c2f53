import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODEL_FAMILY_NAMES, modelFamily } from '.';
import { backtest } from '../evaluation/backtest';
import { deseasonalise } from './decomposition';
import { observedValues } from './observed';
import { SeriesPanel } from './series-model';

const HORIZON = 6;
const FAST: Record<string, Record<string, unknown>> = {
  global_mlp: { steps: 30, hidden: 8, batch_size: 8 },
  ensemble: { members: ['naive2', 'theta', 'seasonal_naive'] },
};

/** A panel of two positive seasonal series built from arbitrary noise. */
const panelArb = fc
  .record({
    length: fc.integer({ min: 40, max: 70 }),
    level: fc.double({ min: 20, max: 200, noNaN: true }),
    amplitude: fc.double({ min: 0, max: 0.4, noNaN: true }),
    noise: fc.array(fc.double({ min: -0.1, max: 0.1, noNaN: true }), { minLength: 140, maxLength: 140 }),
    future: fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), {
      minLength: 2 * HORIZON,
      maxLength: 2 * HORIZON,
    }),
  })
  .map(({ length, level, amplitude, noise, future }) => {
    const series = [0, 1].map((k) => {
      const values = Float64Array.from(
        { length },
        (_, t) => level * (1 + k * 0.5) * (1 + amplitude * Math.sin((2 * Math.PI * t) / 4)) * (1 + noise[k * 70 + t]),
      );
      return { id: `s${k}`, values, timestamps: Float64Array.from(values, (_, t) => t) };
    });
    const panel: SeriesPanel = { series, frequency: 'D', seasonalPeriods: [4] };
    // The same panel with every value after the first origin replaced.
    const perturbed: SeriesPanel = {
      ...panel,
      series: series.map((s, k) => {
        const values = Float64Array.from(s.values);
        for (let j = 0; j < HORIZON; j++) values[length - HORIZON + j] = Math.abs(future[k * HORIZON + j]) + 1;
        return { ...s, values };
      }),
    };
    return { panel, perturbed };
  });

describe('no value after a forecast origin reaches a fit, scaler or decomposition', () => {
  it.each(MODEL_FAMILY_NAMES.map((n) => [n]))(
    '%s: the first of two backtest origins ignores what follows it',
    async (name) => {
      await fc.assert(
        fc.asyncProperty(panelArb, async ({ panel, perturbed }) => {
          const options = { horizon: HORIZON, origins: 2, masePeriod: 4, params: FAST[name] ?? {}, seed: 7 };
          const a = await backtest(modelFamily(name), panel, options);
          const b = await backtest(modelFamily(name), perturbed, options);
          const first = (r: typeof a) =>
            r.scores.filter((s) => s.origin === panel.series[0].values.length - 2 * HORIZON);
          expect(first(b)).toEqual(first(a));
        }),
        { numRuns: name === 'global_mlp' || name === 'ensemble' ? 3 : 10 },
      );
    },
  );

  it('gap filling and M4 deseasonalisation of a prefix depend on the prefix only', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 1, max: 100, noNaN: true }), { nil: NaN }), {
          minLength: 30,
          maxLength: 80,
        }),
        fc.integer({ min: 20, max: 29 }),
        (raw, cut) => {
          const values = Float64Array.from([5, ...raw]);
          const prefix = values.slice(0, cut);
          const changed = Float64Array.from(values);
          changed.fill(1e6, cut);
          expect(observedValues(changed).subarray(0, cut)).toEqual(observedValues(prefix));
          const d = deseasonalise(observedValues(prefix), 4);
          expect(deseasonalise(observedValues(changed.slice(0, cut)), 4).adjusted).toEqual(d.adjusted);
        },
      ),
    );
  });
});
