import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  autocorrelation,
  centredMovingAverage,
  deseasonalise,
  isSeasonal,
  multiplicativeIndices,
} from './decomposition';
import { naive2Forecast } from './naive2';

const airline = Float64Array.from(
  readFileSync(`${__dirname}/fixtures/airline-passengers.csv`, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(',')[1])),
);

// R 4.x: decompose(AirPassengers, type = "multiplicative")$figure
const R_AIRLINE_FIGURE = [
  0.9102304, 0.8836253, 1.0073663, 0.975906, 0.981378, 1.1127758, 1.2265555, 1.219911, 1.0604919, 0.9217572, 0.8011781,
  0.8988244,
];

describe('classical decomposition and M4 seasonality test', () => {
  it('centred 2x4 moving average reproduces a line and leaves the ends missing', () => {
    const ma = centredMovingAverage([1, 2, 3, 4, 5, 6, 7, 8], 4);
    expect(Array.from(ma.subarray(2, 6))).toEqual([3, 4, 5, 6]);
    expect(ma[0]).toBeNaN();
    expect(ma[7]).toBeNaN();
  });

  it('recovers exact multiplicative indices of a flat seasonal series', () => {
    const season = [0.5, 1.5, 0.8, 1.2];
    const x = Float64Array.from({ length: 20 }, (_, t) => 10 * season[t % 4]);
    const idx = multiplicativeIndices(x, 4);
    season.forEach((s, i) => expect(idx[i]).toBeCloseTo(s, 12));
    expect(isSeasonal(x, 4)).toBe(true);
  });

  it('matches R decompose() on AirPassengers', () => {
    const idx = multiplicativeIndices(airline, 12);
    R_AIRLINE_FIGURE.forEach((f, i) => expect(idx[i]).toBeCloseTo(f, 6));
  });

  it('acf as R computes it, and no seasonality in a line shorter than 3 periods or in a constant', () => {
    expect(autocorrelation([1, 2, 3, 4], 1)).toBeCloseTo(0.25, 12);
    expect(
      isSeasonal(
        Float64Array.from({ length: 30 }, (_, t) => 1 + (t % 12)),
        12,
      ),
    ).toBe(false);
    expect(deseasonalise(new Float64Array(40).fill(3), 4).seasonal).toBe(false);
  });

  it('Naive2 on AirPassengers: last adjusted value times the indices that continue the cycle', () => {
    const f = naive2Forecast(airline, 12, 13, []);
    const last = 432 / R_AIRLINE_FIGURE[11];
    expect(f.mean[0]).toBeCloseTo(last * R_AIRLINE_FIGURE[0], 3);
    expect(f.mean[6]).toBeCloseTo(last * R_AIRLINE_FIGURE[6], 3);
    expect(f.mean[12]).toBeCloseTo(last * R_AIRLINE_FIGURE[0], 3);
  });
});
