import { jStat } from 'jstat';
import { TrainingInputError } from '../errors';
import { IntervalForecast } from './series-model';

// jstat ships no types; its normal quantile is all we add to the core's declaration.
const normalInv = (jStat.normal as unknown as { inv(p: number, mean: number, std: number): number }).inv;

export function checkLevels(levels: readonly number[]): void {
  for (const level of levels)
    if (!(typeof level === 'number' && level > 0 && level < 1))
      throw new TrainingInputError(`interval levels must be in (0, 1), got ${JSON.stringify(level)}`);
}

/** The two-sided standard normal quantile for a central interval of coverage `level`. */
export function normalQuantile(level: number): number {
  return normalInv(0.5 + level / 2, 0, 1);
}

/** Central normal intervals mean ± z·sd per step (sd may differ per step). */
export function normalIntervals(
  mean: Float64Array,
  sd: ArrayLike<number>,
  levels: readonly number[],
): IntervalForecast[] {
  checkLevels(levels);
  return levels.map((level) => {
    const z = normalQuantile(level);
    const lower = new Float64Array(mean.length);
    const upper = new Float64Array(mean.length);
    for (let h = 0; h < mean.length; h++) {
      lower[h] = mean[h] - z * sd[h];
      upper[h] = mean[h] + z * sd[h];
    }
    return { level, lower, upper };
  });
}

/** Multiplies a forecast's mean and bounds by per-step factors (reseasonalising). */
export function scaleIntervals(intervals: IntervalForecast[], factors: ArrayLike<number>): IntervalForecast[] {
  return intervals.map(({ level, lower, upper }) => ({
    level,
    lower: lower.map((v, h) => v * factors[h]),
    upper: upper.map((v, h) => v * factors[h]),
  }));
}

/** Root mean square of the finite values (a residual standard deviation around zero). */
export function rms(values: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++)
    if (Number.isFinite(values[i])) {
      sum += values[i] * values[i];
      n++;
    }
  return n > 0 ? Math.sqrt(sum / n) : 0;
}
