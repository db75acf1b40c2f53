/**
 * Parser for MLflow search filter strings (mlflow-api.md §8):
 *
 *   filter     := comparison (AND comparison)*
 *   comparison := identifier comparator value
 *   value      := 'string' | "string" | number | '(' 'string' (',' 'string')* ')'
 *
 * No OR, no NOT (except NOT IN), no grouping parentheses. Every failure is an
 * MlflowError INVALID_PARAMETER_VALUE (HTTP 400) that quotes the offending text.
 */
import { MlflowError } from '../mlflow-error';
import { clip, ownValue, pyList, pySet } from './format';
import type { Comparator, EntitySpec, KeySpec, SearchGrammar } from './grammars';
import { canonicalKey, readIdentifier, resolveEntity } from './identifier';
import { Cursor, type Fail, isKeyword, type Token, tokenize } from './tokenizer';

export type { Comparator } from './grammars';

export interface Clause {
  /** Canonical entity type: 'metric' | 'param' | 'tag' | 'attribute' | 'dataset'. */
  entity: string;
  /** Canonical key (attribute aliases resolved). */
  key: string;
  comparator: Comparator;
  /** number for numeric keys, string for quoted strings, string[] for IN / NOT IN lists. */
  value: string | number | string[];
}

interface ResolvedKey {
  entity: EntitySpec;
  key: string;
  spec: KeySpec;
}

/** Integer, decimal or scientific with optional sign. Unambiguous, so no catastrophic backtracking. */
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const KEYWORD_COMPARATORS = new Set(['LIKE', 'ILIKE', 'IN']);

export function parseFilter(filter: string | undefined, grammar: SearchGrammar): Clause[] {
  if (filter === undefined || filter === null) return [];
  if (typeof filter !== 'string') throw MlflowError.invalid('Invalid filter string: expected a string');
  if (filter.trim() === '') return [];
  const fail: Fail = (detail) => {
    throw MlflowError.invalid(`Invalid clause(s) in filter string: ${detail}`);
  };
  const cursor = new Cursor(filter, tokenize(filter, fail), fail);
  const clauses: Clause[] = [];
  do {
    clauses.push(parseComparison(cursor, grammar));
  } while (readConjunction(cursor));
  return clauses;
}

function parseComparison(cursor: Cursor, grammar: SearchGrammar): Clause {
  rejectUnsupportedStart(cursor);
  const { entity, key, spec } = resolveKey(readIdentifier(cursor), grammar);
  const comparator = readComparator(cursor);
  checkComparator(comparator, entity, spec);
  const value =
    comparator === 'IN' || comparator === 'NOT IN'
      ? readList(cursor, entity, spec)
      : readScalar(cursor, entity, key, spec);
  return { entity: entity.entity, key, comparator, value };
}

/** Gives OR / NOT / grouping parentheses a specific message instead of "bad identifier". */
function rejectUnsupportedStart(cursor: Cursor): void {
  const token = cursor.peek();
  if (!token) cursor.fail('expected a comparison');
  if (token.type === 'lparen') {
    cursor.fail(`parentheses are only allowed around IN lists, found ${cursor.describe(token)}`);
  }
  for (const keyword of ['OR', 'NOT', 'AND']) {
    if (isKeyword(token, keyword)) cursor.fail(`unexpected ${cursor.describe(token)}; expected a comparison`);
  }
}

function resolveKey(raw: { prefix?: string; key: string }, grammar: SearchGrammar): ResolvedKey {
  const entity = resolveEntity(grammar, raw.prefix);
  const key = canonicalKey(entity, raw.key);
  const spec = entity.keys ? ownValue(entity.keys, key) : entity.anyKey;
  if (!spec) {
    const valid = [...Object.keys(entity.keys ?? {}), ...Object.keys(entity.aliases ?? {})];
    throw MlflowError.invalid(
      `Invalid ${entity.entity} key '${clip(raw.key)}' specified. Valid keys are '${pyList(valid)}'`,
    );
  }
  return { entity, key, spec };
}

/** Reads `=`, `LIKE`, `NOT IN`, ... Unknown operators (`<>`, `==`) are returned for checkComparator to reject. */
function readComparator(cursor: Cursor): string {
  const token = cursor.next();
  if (!token) return cursor.fail('missing comparator at end of filter');
  if (token.type === 'op') return token.text;
  const word = token.type === 'word' ? token.text.toUpperCase() : '';
  if (KEYWORD_COMPARATORS.has(word)) return word;
  if (word === 'NOT') {
    if (isKeyword(cursor.peek(), 'IN')) {
      cursor.next();
      return 'NOT IN';
    }
    cursor.fail(`${cursor.describe(token)}: NOT is only supported as NOT IN`);
  }
  return cursor.fail(`expected a comparator, got ${cursor.describe(token)}`);
}

function checkComparator(comparator: string, entity: EntitySpec, spec: KeySpec): asserts comparator is Comparator {
  if (!(spec.comparators as readonly string[]).includes(comparator)) {
    throw MlflowError.invalid(`Invalid comparator '${comparator}' not one of '${pySet(spec.comparators)}'`);
  }
  if ((comparator === 'IN' || comparator === 'NOT IN') && spec.kind !== 'string-or-list') {
    // Mirrors MLflow: runs string attributes accept IN syntactically, but only run_id takes a list.
    const listKeys = Object.keys(entity.keys ?? {}).filter((k) => entity.keys?.[k].kind === 'string-or-list');
    throw MlflowError.invalid(
      `Only the ${pyList(listKeys)} ${entity.entity} key(s) support comparison with a list of quoted string values`,
    );
  }
}

/** Single value for a non-list comparator, checked against the key's value kind. */
function readScalar(cursor: Cursor, entity: EntitySpec, key: string, spec: KeySpec): string | number {
  const token = cursor.next();
  if (!token || token.type === 'op' || token.type === 'comma' || token.type === 'rparen') {
    return cursor.fail(token ? `missing value before ${cursor.describe(token)}` : 'missing value at end of filter');
  }
  if (token.type === 'lparen') {
    return cursor.fail(`a parenthesised list is only allowed with IN / NOT IN, found ${cursor.describe(token)}`);
  }
  const raw = cursor.src.slice(token.start, token.end);
  if (spec.kind === 'number' || spec.kind === 'integer') return toNumber(token, raw, entity, key, spec);
  if (token.type !== 'squote' && token.type !== 'dquote') {
    throw MlflowError.invalid(
      `Expected a quoted string value for ${entity.entity} (e.g. 'my-value'). Got value ${clip(raw)}`,
    );
  }
  return token.text;
}

function toNumber(token: Token, raw: string, entity: EntitySpec, key: string, spec: KeySpec): number {
  const what = entity.entity === 'attribute' ? `attribute '${key}'` : entity.entity;
  const value = token.type === 'word' && NUMBER_RE.test(token.text) ? Number(token.text) : NaN;
  // Non-finite (1e999) is rejected too: it cannot be bound to integer timestamp columns.
  if (!Number.isFinite(value)) {
    throw MlflowError.invalid(`Expected numeric value type for ${what}. Found ${clip(raw)}`);
  }
  if (spec.kind === 'integer' && !Number.isSafeInteger(value)) {
    throw MlflowError.invalid(`Expected an integer value for ${what}. Found ${clip(raw)}`);
  }
  return value;
}

/** `('a', "b", ...)`: quoted strings only. Empty lists and a trailing comma are accepted, as
 * MLflow (Python literal_eval) does. */
function readList(cursor: Cursor, entity: EntitySpec, spec: KeySpec): string[] {
  const open = cursor.next();
  if (open?.type !== 'lparen') {
    return cursor.fail(`expected a parenthesised list after IN, got ${open ? cursor.describe(open) : 'end of filter'}`);
  }
  const values: string[] = [];
  for (;;) {
    const token = cursor.next();
    if (!token) return cursor.fail(`unterminated list starting ${cursor.describe(open)}: missing ')'`);
    if (token.type === 'rparen') break;
    if (token.type !== 'squote' && token.type !== 'dquote') {
      throw MlflowError.invalid(
        `Expected a list of quoted string values for ${entity.entity} (e.g. ('a', 'b')). Got ${cursor.describe(token)}`,
      );
    }
    values.push(token.text);
    const separator = cursor.next();
    if (separator?.type === 'rparen') break;
    if (separator?.type !== 'comma') {
      return cursor.fail(
        `expected ',' or ')' in list, got ${separator ? cursor.describe(separator) : 'end of filter'}`,
      );
    }
  }
  // Run ids are lowercase hex, so MLflow silently drops values with uppercase letters.
  return spec.dropUppercaseFromList ? values.filter((v) => v === v.toLowerCase()) : values;
}

/** After a comparison: end of input (false) or AND followed by another comparison (true). */
function readConjunction(cursor: Cursor): boolean {
  const token = cursor.next();
  if (!token) return false;
  if (isKeyword(token, 'AND')) {
    if (cursor.atEnd()) cursor.fail(`trailing ${cursor.describe(token)} with no comparison after it`);
    return true;
  }
  if (isKeyword(token, 'OR')) {
    return cursor.fail(`${cursor.describe(token)}: OR is not supported, only AND can join comparisons`);
  }
  return cursor.fail(`expected AND or end of filter, got ${cursor.describe(token)}`);
}
