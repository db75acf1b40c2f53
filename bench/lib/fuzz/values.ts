import fc from 'fast-check';
import type { Schema } from './operations';

/** Strings that broke, or could break, a parser, a store or a file path somewhere. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '../../etc/passwd',
  '..%2f..%2fetc',
  '%00',
  '%',
  '%zz',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1.5',
  '1e999',
  '99999999999999999999999999',
  "'; DROP TABLE runs; --",
  'name LIKE',
  "attributes.status = 'FINISHED' AND",
  '\ud800',
  '😀'.repeat(50),
  'x'.repeat(5000),
  '{"a":1}',
  '[]',
  'null',
  'true',
  'file:///etc',
  'models:/x@',
  'runs:/',
  'mlflow-artifacts:/../../x',
  's3://bucket/../x',
  '<script>alert(1)</script>',
  'champion',
  'Default',
];

export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{32}$/) },
  );

/**
 * Numbers JSON.stringify cannot write: `Infinity`, `1e999`, `-1e400`, 2^53 + 1, `NaN`. They travel
 * as marker strings that `numberTokens` (body) and the query encoder turn into the bare token.
 */
export const RAW_NUMBER = '@@raw-number:';
const EXTREME_NUMBERS = [
  'Infinity',
  '-Infinity',
  '1e999',
  '-1e400',
  '9007199254740993',
  '-9007199254740993',
  'NaN',
  '1e-400',
];
export const extremeNumber = (): fc.Arbitrary<string> => fc.constantFrom(...EXTREME_NUMBERS.map((n) => RAW_NUMBER + n));

/** JSON text with the extreme-number markers replaced by their bare tokens. */
export function numberTokens(json: string): string {
  return json.replace(new RegExp(`"${RAW_NUMBER}([^"]*)"`, 'g'), '$1');
}

const hostileNumber = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(0, -1, 1, 1.5, 2 ** 53, -(2 ** 63), 1e308, 50_001, 1000),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );

/** Any JSON value, nested a little. */
export const anyJson = (): fc.Arbitrary<unknown> =>
  fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      hostileString(),
      hostileNumber(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 4 }),
    ),
  })).v;

/** A value that fits `schema` (often plausible, so handlers run deeper than validation). */
export function valueOf(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 3) return anyJson();
  if (schema.oneOf?.length) return fc.oneof(...schema.oneOf.map((s) => valueOf(s, depth + 1)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      return schema.example !== undefined
        ? fc.oneof(fc.constant(String(schema.example)), hostileString())
        : hostileString();
    case 'integer':
      return fc.oneof(fc.integer({ min: -10, max: 100 }), hostileNumber(), extremeNumber());
    case 'number':
      return fc.oneof(hostileNumber(), extremeNumber());
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueOf(schema.items, depth + 1), { maxLength: 5 });
    case 'object':
      return objectOf(schema, depth);
    default:
      return anyJson();
  }
}

/** An object for a message schema: some fields right, some wrong, some missing, some unknown. */
export function objectOf(schema: Schema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), anyJson(), { maxKeys: 3 });
  const fields = Object.fromEntries(
    props.map(([name, s]) => [
      name,
      fc.oneof({ weight: 4, arbitrary: valueOf(s, depth + 1) }, { weight: 1, arbitrary: anyJson() }),
    ]),
  );
  return fc.record(fields, { requiredKeys: [] });
}
