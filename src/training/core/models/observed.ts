import { TrainingInputError } from '../errors';

/**
 * The values a local model fits: leading missing values dropped, interior ones carried forward
 * from the last observation (the past only, never interpolated from a later value).
 */
export function observedValues(values: ArrayLike<number>, minLength = 1): Float64Array {
  let start = 0;
  while (start < values.length && !Number.isFinite(values[start])) start++;
  const out = new Float64Array(values.length - start);
  for (let i = start; i < values.length; i++)
    out[i - start] = Number.isFinite(values[i]) ? values[i] : out[i - start - 1];
  if (out.length < minLength)
    throw new TrainingInputError(`a series needs at least ${minLength} observed values, got ${out.length}`);
  return out;
}
