import { randomBytes } from 'node:crypto';

/**
 * JSON numbers written as floats but integral in value (`9.0`, `1e3`): JavaScript reads them
 * as the integer 9, while MLflow (Python's json) keeps them floats, which shows in its messages
 * (`Invalid value 9.0 ... of type 'float'`) and in string fields fed with numbers (`str(9.0)`).
 * `parseJsonWithFloats` records which (container, key) pairs held such literals, without
 * changing the parsed values, so only the MLflow message parser ever asks.
 */
const literals = new WeakMap<object, Set<string>>();

/**
 * Cheap pre-check (a few µs on a 10 kB log-batch body): might the text hold an integral float
 * literal? `9.0`, or a positive exponent as JSON serialisers write it (`1e+20`: Python and JS
 * always print the sign). A hand-written `1e3` is not looked for: scanning every number for it
 * costs a third of JSON.parse on the hot path.
 */
const MAYBE = /\.0+(?![0-9])|[eE]\+[0-9]/;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** Marks rewritten literals; random per process so no request can forge one. */
const MARK = `\u0000f${randomBytes(6).toString('hex')}:`;
/** The same mark as JSON text (a raw NUL is not allowed inside a JSON string). */
const MARK_JSON = `\\u0000${MARK.slice(1)}`;

export function isFloatLiteral(holder: unknown, key: string | number): boolean {
  return typeof holder === 'object' && holder !== null && (literals.get(holder)?.has(String(key)) ?? false);
}

/** Python's `str(float)` for an integral value: `9.0`, `1e+16`. */
export function pyFloatText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) < 1e16 ? `${value === 0 && 1 / value < 0 ? '-0' : value}.0` : value.toExponential();
}

/** Integral float literals outside strings become marked strings (they are turned back by the reviver). */
function markLiterals(text: string): string | undefined {
  const out: string[] = [];
  let last = 0;
  let marked = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string: up to the next unescaped quote.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      continue;
    }
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) continue;
    NUMBER.lastIndex = i;
    const token = NUMBER.exec(text)?.[0];
    if (!token) continue;
    if (/[.eE]/.test(token) && Number.isInteger(Number(token))) {
      out.push(text.slice(last, i), `"${MARK_JSON}${token}"`);
      last = i + token.length;
      marked = true;
    }
    i += token.length - 1;
  }
  if (!marked) return undefined;
  out.push(text.slice(last));
  return out.join('');
}

/** `JSON.parse`, remembering integral float literals (see `isFloatLiteral`). */
export function parseJsonWithFloats(text: string): unknown {
  const marked = MAYBE.test(text) ? markLiterals(text) : undefined;
  if (marked === undefined) return JSON.parse(text);
  return JSON.parse(marked, function (this: object, key: string, value: unknown) {
    if (typeof value !== 'string' || !value.startsWith(MARK)) return value;
    let keys = literals.get(this);
    if (!keys) literals.set(this, (keys = new Set()));
    keys.add(key);
    return Number(value.slice(MARK.length));
  });
}
