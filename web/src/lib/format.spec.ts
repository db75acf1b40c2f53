import { describe, expect, it } from 'vitest';
import { tickLabels } from './format';

describe('tickLabels (chart y axis)', () => {
  it('tells small learning-rate ticks apart', () => {
    expect(tickLabels([0.0009, 0.001, 0.0011, 0.0012])).toEqual(['0.0009', '0.0010', '0.0011', '0.0012']);
    expect(tickLabels([0, 0.0005, 0.001])).toEqual(['0', '0.0005', '0.0010']);
  });

  it('uses scientific notation for tiny and huge magnitudes, with enough digits', () => {
    expect(tickLabels([1e-5, 2e-5, 3e-5])).toEqual(['1e-5', '2e-5', '3e-5']);
    expect(tickLabels([0.00012, 0.00014, 0.00016])).toEqual(['1.2e-4', '1.4e-4', '1.6e-4']);
    expect(tickLabels([2e6, 2.5e6, 3e6])).toEqual(['2.0e+6', '2.5e+6', '3.0e+6']);
  });

  it('keeps plain numbers plain and labels are distinct', () => {
    expect(tickLabels([0, 0.25, 0.5, 0.75])).toEqual(['0', '0.25', '0.50', '0.75']);
    expect(tickLabels([10, 20, 30])).toEqual(['10', '20', '30']);
    expect(tickLabels([-0.02, -0.01, 0, 0.01])).toEqual(['-0.02', '-0.01', '0', '0.01']);
    const ticks = [0.0991, 0.0992, 0.0993, 0.0994];
    expect(new Set(tickLabels(ticks)).size).toBe(ticks.length);
  });

  it('handles a single tick and non-finite values', () => {
    expect(tickLabels([0.001])).toEqual(['0.001']);
    expect(tickLabels([NaN, Infinity])).toEqual(['NaN', 'Infinity']);
  });
});
