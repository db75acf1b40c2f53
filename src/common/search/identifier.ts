/**
 * Identifier handling shared by filters and order_by: `prefix.key`, split at the FIRST dot,
 * where either part may be wrapped in backticks or double quotes.
 *
 *   metrics.rmse            -> prefix 'metrics', key 'rmse'
 *   params.a.b              -> prefix 'params',  key 'a.b'
 *   metrics.`val loss`      -> prefix 'metrics', key 'val loss'
 *   `metrics`.loss          -> prefix 'metrics', key 'loss'
 *   tags."user-name"        -> prefix 'tags',    key 'user-name'
 *   run_id / `run name`     -> no prefix (attribute), key as written
 *
 * The pieces of one identifier must touch (no whitespace between them); the tokenizer keeps
 * offsets so adjacency can be checked here.
 */
import { MlflowError } from '../mlflow-error';
import { clip, ownValue, pyList, show } from './format';
import type { EntitySpec, SearchGrammar } from './grammars';
import type { Cursor, Token } from './tokenizer';

export interface RawIdentifier {
  /** Entity prefix as written (quotes removed), absent for bare identifiers. */
  prefix?: string;
  /** Key as written (quotes removed), before alias resolution. */
  key: string;
}

function isPiece(token: Token | undefined): token is Token {
  return token !== undefined && (token.type === 'word' || token.type === 'backtick' || token.type === 'dquote');
}

const isQuoted = (token: Token): boolean => token.type !== 'word';

/** Consumes the run of adjacent word/backtick/double-quote tokens forming one identifier. */
function readPieces(cursor: Cursor): Token[] {
  const first = cursor.peek();
  if (!isPiece(first)) {
    return cursor.fail(first ? `expected an identifier, got ${cursor.describe(first)}` : 'expected an identifier');
  }
  const pieces = [cursor.next() as Token];
  for (let next = cursor.peek(); isPiece(next) && next.start === pieces[pieces.length - 1].end; next = cursor.peek()) {
    pieces.push(cursor.next() as Token);
  }
  return pieces;
}

/** Builds the key from what follows `prefix.`: either the rest of the word, or one quoted piece. */
function keyAfterDot(cursor: Cursor, rest: string, remaining: Token[], whole: string): string {
  if (rest !== '' && remaining.length === 0) return rest;
  if (rest === '' && remaining.length === 1 && isQuoted(remaining[0])) {
    if (remaining[0].text === '') cursor.fail(`empty key in identifier ${whole}`);
    return remaining[0].text;
  }
  if (rest === '' && remaining.length === 0) return cursor.fail(`missing key after ${whole}`);
  return cursor.fail(
    `malformed identifier ${whole}: quote keys containing special characters, e.g. metrics.\`my key\``,
  );
}

export function readIdentifier(cursor: Cursor): RawIdentifier {
  const pieces = readPieces(cursor);
  const first = pieces[0];
  const whole = `${show(cursor.src, first.start, pieces[pieces.length - 1].end)} at position ${first.start}`;
  if (isQuoted(first)) {
    if (pieces.length === 1) {
      if (first.text === '') cursor.fail(`empty identifier ${cursor.describe(first)}`);
      return { key: first.text };
    }
    const dot = pieces[1];
    if (dot.type !== 'word' || !dot.text.startsWith('.')) {
      return cursor.fail(`malformed identifier ${whole}: expected '.' after the quoted prefix`);
    }
    return { prefix: first.text, key: keyAfterDot(cursor, dot.text.slice(1), pieces.slice(2), whole) };
  }
  const dotAt = first.text.indexOf('.');
  if (dotAt < 0) {
    if (pieces.length > 1) cursor.fail(`malformed identifier ${whole}: expected '.' between prefix and key`);
    return { key: first.text };
  }
  if (dotAt === 0) cursor.fail(`malformed identifier ${whole}: missing entity prefix before '.'`);
  return {
    prefix: first.text.slice(0, dotAt),
    key: keyAfterDot(cursor, first.text.slice(dotAt + 1), pieces.slice(1), whole),
  };
}

/** All prefixes of a grammar, in grammar order, for "Valid values are [...]" messages. */
function allPrefixes(grammar: SearchGrammar): string[] {
  return grammar.entities.flatMap((e) => e.prefixes);
}

/** Finds the entity an identifier prefix denotes (bare identifiers go to the `bare` entity). */
export function resolveEntity(grammar: SearchGrammar, prefix: string | undefined): EntitySpec {
  const entity = grammar.entities.find((e) => (prefix === undefined ? e.bare === true : e.prefixes.includes(prefix)));
  if (!entity) {
    throw MlflowError.invalid(
      `Invalid entity type '${clip(prefix ?? '')}'. Valid values are ${pyList(allPrefixes(grammar))}`,
    );
  }
  return entity;
}

/** Resolves an alias (`created`, `` `Run Name` ``) to the canonical key; other keys unchanged. */
export function canonicalKey(entity: EntitySpec, key: string): string {
  return ownValue(entity.aliases, key) ?? key;
}
