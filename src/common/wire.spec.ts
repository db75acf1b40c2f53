import { describe, expect, it } from 'vitest';
import { compact, wireDouble } from './wire';

describe('wireDouble', () => {
  it('emits finite doubles as numbers and NaN / ±Infinity as their protobuf JSON names', () => {
    expect(wireDouble(1.5)).toBe(1.5);
    expect(wireDouble(0)).toBe(0);
    expect(wireDouble(-2e-300)).toBe(-2e-300);
    expect(wireDouble(1.7976931348623157e308)).toBe(1.7976931348623157e308);
    expect(wireDouble(NaN)).toBe('NaN');
    expect(wireDouble(Infinity)).toBe('Infinity');
    expect(wireDouble(-Infinity)).toBe('-Infinity');
    expect(JSON.stringify({ value: wireDouble(NaN) })).toBe('{"value":"NaN"}');
  });
});

describe('compact', () => {
  it('drops undefined, null and empty arrays like proto2 JSON, keeps set defaults', () => {
    const input = { a: undefined, b: null, c: [], d: 0, e: false, f: '', g: [1], h: {}, i: 'x' };
    expect(compact(input)).toEqual({ d: 0, e: false, f: '', g: [1], h: {}, i: 'x' });
    expect(Object.keys(compact(input))).toEqual(['d', 'e', 'f', 'g', 'h', 'i']);
  });

  it('does not mutate its input and is shallow', () => {
    const nested = { inner: { gone: undefined, list: [] as number[] } };
    const input = { list: [] as number[], nested };
    const out = compact(input);
    expect(input).toEqual({ list: [], nested });
    expect(out).toEqual({ nested });
    expect(out.nested).toBe(nested);
    expect(compact({})).toEqual({});
  });
});
