import { describe, expect, it } from 'vitest';
import { checkField, checkValue, ParamSpec } from './params';

const units: ParamSpec = { name: 'units', kind: 'int', default: 32, min: { value: 1 }, max: { value: 512 } };
const dropout: ParamSpec = {
  name: 'dropout',
  kind: 'float',
  default: 0.2,
  min: { value: 0 },
  max: { value: 1, open: true },
};
const features: ParamSpec = { name: 'features', kind: 'features', default: ['close'], values: ['close', 'volume'] };
const exogenous: ParamSpec = { name: 'exogenous', kind: 'tickers', default: [] };
const levels: ParamSpec = { name: 'interval_levels', kind: 'levels', default: [0.8, 0.95] };

describe('training form validation', () => {
  it('checks kinds and open/closed bounds as the server does', () => {
    expect(checkValue(units, '32')).toEqual({ ok: true, value: 32 });
    expect(checkValue(units, '3.5')).toMatchObject({ ok: false });
    expect(checkValue(units, '0')).toEqual({ ok: false, error: 'units: 0 must be ≥ 1' });
    expect(checkValue(dropout, '1')).toEqual({ ok: false, error: 'dropout: 1 must be < 1' });
    expect(checkValue(dropout, '0')).toEqual({ ok: true, value: 0 });
    expect(checkValue(dropout, 'abc')).toMatchObject({ ok: false });
  });
  it('reads grid lists, fixed values and defaults', () => {
    expect(checkField(units, '16, 32', true)).toEqual({ values: [16, 32] });
    expect(checkField(units, '16', true)).toEqual({ value: 16 });
    expect(checkField(units, '', true)).toEqual({});
    expect(checkField(units, '16, 9999', true).error).toMatch(/≤ 512/);
    expect(checkField(units, '16, 32', false).error).toMatch(/not a number/);
    expect(checkField(features, 'close+volume, close', true)).toEqual({ values: [['close', 'volume'], ['close']] });
    expect(checkField(features, 'price', false).error).toMatch(/unknown feature price/);
  });

  it('exogenous tickers and interval levels are lists joined by +', () => {
    expect(checkField(exogenous, '^BVSP+USDBRL=X', false)).toEqual({ value: ['^BVSP', 'USDBRL=X'] });
    expect(checkField(exogenous, 'a/b', false).error).toMatch(/not a ticker: a\/b/);
    expect(checkField(levels, '0.8+0.95', false)).toEqual({ value: [0.8, 0.95] });
    expect(checkField(levels, '0.8+1', false).error).toMatch(/between 0 and 1/);
    expect(checkField(levels, '0.5, 0.9', true)).toEqual({ values: [[0.5], [0.9]] });
  });
});
