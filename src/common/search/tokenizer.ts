/**
 * Linear-time tokenizer shared by filter strings and order_by clauses.
 *
 * It is a hand-written single pass (no backtracking regexes) because filters come from
 * untrusted clients: a 10,000-character junk string must fail fast with a 400, never hang.
 * Every character is consumed exactly once; quoted sections are found with `indexOf`.
 *
 * Tokens keep their source offsets so the parser can (a) quote the offending text in errors
 * and (b) tell whether two pieces are adjacent, which is how ``metrics.`val loss` `` is
 * recognised as one identifier while `metrics.a LIKE` is not.
 */
import { show } from './format';

export type TokenType = 'word' | 'backtick' | 'dquote' | 'squote' | 'op' | 'lparen' | 'rparen' | 'comma';

export interface Token {
  type: TokenType;
  /** For quoted tokens the text between the quotes (verbatim); otherwise the source text. */
  text: string;
  start: number;
  end: number;
}

/** Reports a syntax problem; the caller decides the message prefix (filter vs order_by). */
export type Fail = (detail: string) => never;

const QUOTES: Readonly<Record<string, TokenType>> = { "'": 'squote', '"': 'dquote', '`': 'backtick' };
const PUNCTUATION: Readonly<Record<string, TokenType>> = { '(': 'lparen', ')': 'rparen', ',': 'comma' };
/** Two-character operators are matched first; `<>` and `==` are tokenized so they can be
 * rejected as invalid comparators rather than as a confusing "unexpected character". */
const TWO_CHAR_OPS = new Set(['!=', '<=', '>=', '<>', '==']);
const ONE_CHAR_OPS = new Set(['=', '<', '>']);
const NON_ASCII_WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** Letters, digits, `_` and `.`: the characters an unquoted key may contain. */
function isWordChar(ch: string): boolean {
  if (ch.charCodeAt(0) < 128) return /[A-Za-z0-9_.]/.test(ch);
  return NON_ASCII_WORD.test(ch);
}

/** A number starts with a digit, or a sign/dot directly followed by a digit (`-1`, `.5`, `-.5`). */
function startsNumber(src: string, i: number): boolean {
  const ch = src[i];
  if (isDigit(ch)) return true;
  if (ch === '.') return isDigit(src[i + 1]);
  if (ch === '+' || ch === '-') return isDigit(src[i + 1]) || (src[i + 1] === '.' && isDigit(src[i + 2]));
  return false;
}

/**
 * Scans a bare word from `i`. Numeric words may contain an exponent sign (`1e-5`), which is
 * the only place a `+`/`-` is allowed inside a word. Returns the end offset.
 */
function scanWord(src: string, i: number): number {
  const numeric = startsNumber(src, i);
  let j = numeric && (src[i] === '+' || src[i] === '-') ? i + 1 : i;
  while (j < src.length) {
    const ch = src[j];
    if (isWordChar(ch)) {
      j++;
    } else if (numeric && (ch === '+' || ch === '-') && /[eE]/.test(src[j - 1]) && isDigit(src[j + 1])) {
      j++;
    } else {
      break;
    }
  }
  return j;
}

function scanQuoted(src: string, i: number, fail: Fail): Token {
  const quote = src[i];
  const close = src.indexOf(quote, i + 1);
  if (close < 0) fail(`unterminated ${quote} quote starting at position ${i}: ${show(src, i)}`);
  return { type: QUOTES[quote], text: src.slice(i + 1, close), start: i, end: close + 1 };
}

function scanOperator(src: string, i: number): Token | undefined {
  const two = src.slice(i, i + 2);
  if (TWO_CHAR_OPS.has(two)) return { type: 'op', text: two, start: i, end: i + 2 };
  if (ONE_CHAR_OPS.has(src[i])) return { type: 'op', text: src[i], start: i, end: i + 1 };
  return undefined;
}

/** Reads the single token starting at non-space offset `i`. */
function scanToken(src: string, i: number, fail: Fail): Token {
  const ch = src[i];
  if (QUOTES[ch] !== undefined) return scanQuoted(src, i, fail);
  if (PUNCTUATION[ch] !== undefined) return { type: PUNCTUATION[ch], text: ch, start: i, end: i + 1 };
  const op = scanOperator(src, i);
  if (op) return op;
  if (isWordChar(ch) || startsNumber(src, i)) {
    const end = scanWord(src, i);
    return { type: 'word', text: src.slice(i, end), start: i, end };
  }
  // Show the whole code point, not half of a surrogate pair.
  return fail(`unexpected character ${show(String.fromCodePoint(src.codePointAt(i) ?? 0))} at position ${i}`);
}

export function tokenize(src: string, fail: Fail): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    if (SPACE.test(src[i])) {
      i++;
      continue;
    }
    const token = scanToken(src, i, fail);
    tokens.push(token);
    i = token.end;
  }
  return tokens;
}

/** Sequential reader over a token list, with helpers for error messages. */
export class Cursor {
  private index = 0;

  constructor(
    readonly src: string,
    private readonly tokens: readonly Token[],
    readonly fail: Fail,
  ) {}

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.index + ahead];
  }

  next(): Token | undefined {
    const token = this.tokens[this.index];
    if (token) this.index++;
    return token;
  }

  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }

  /** `'text' at position N`, quoting the token as the user wrote it (with its quotes). */
  describe(token: Token): string {
    return `${show(this.src, token.start, token.end)} at position ${token.start}`;
  }
}

/** Case-insensitive keyword test (`and`, `And`, `AND` are all the same keyword). */
export function isKeyword(token: Token | undefined, keyword: string): boolean {
  return token?.type === 'word' && token.text.toUpperCase() === keyword;
}
