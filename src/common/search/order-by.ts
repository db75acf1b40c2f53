/**
 * order_by parsing (mlflow-api.md §8): each element is `identifier [ASC|DESC]`, identifiers
 * exactly as in filters. Only parses and validates; default tie-breakers are the SQL layer's job.
 */
import { MlflowError } from '../mlflow-error';
import { clip, ownValue, pyList, show } from './format';
import type { SearchGrammar } from './grammars';
import { canonicalKey, type RawIdentifier, readIdentifier, resolveEntity } from './identifier';
import { Cursor, type Fail, isKeyword, tokenize } from './tokenizer';

export interface OrderKey {
  entity: string;
  key: string;
  ascending: boolean;
}

const USAGE = "expected 'identifier [ASC|DESC]'";

export function parseOrderBy(orderBy: string[] | undefined, grammar: SearchGrammar): OrderKey[] {
  if (orderBy === undefined || orderBy === null) return [];
  if (!Array.isArray(orderBy)) throw MlflowError.invalid('Invalid order_by: expected a list of strings');
  const keys = orderBy.map((clause) => parseClause(clause, grammar));
  rejectDuplicates(keys, orderBy);
  return keys;
}

function parseClause(clause: unknown, grammar: SearchGrammar): OrderKey {
  if (typeof clause !== 'string' || clause.trim() === '') {
    const shown = typeof clause === 'string' ? show(clause) : typeof clause;
    throw MlflowError.invalid(`Invalid order_by clause ${shown}: ${USAGE}`);
  }
  const fail: Fail = (detail) => {
    throw MlflowError.invalid(`Invalid order_by clause ${show(clause)}: ${detail}`);
  };
  const cursor = new Cursor(clause, tokenize(clause, fail), fail);
  const identifier = readIdentifier(cursor);
  const ascending = readDirection(cursor);
  const extra = cursor.peek();
  if (extra) fail(`unexpected ${cursor.describe(extra)}; ${USAGE}`);
  return { ...resolveOrderKey(identifier, grammar, clause), ascending };
}

/** Optional ASC / DESC (case-insensitive); absent means ascending. */
function readDirection(cursor: Cursor): boolean {
  const token = cursor.peek();
  if (!token) return true;
  if (isKeyword(token, 'ASC') || isKeyword(token, 'DESC')) {
    cursor.next();
    return isKeyword(token, 'ASC');
  }
  return cursor.fail(`unknown ordering direction ${cursor.describe(token)}; expected ASC or DESC`);
}

function resolveOrderKey(raw: RawIdentifier, grammar: SearchGrammar, clause: string): Omit<OrderKey, 'ascending'> {
  const entity = resolveEntity(grammar, raw.prefix);
  if (entity.entity === 'attribute') {
    const aliased = canonicalKey(entity, raw.key);
    const key = ownValue(grammar.orderBy.aliases, aliased) ?? aliased;
    if (!grammar.orderBy.attributes.includes(key)) {
      const valid = [...grammar.orderBy.attributes, ...Object.keys(grammar.orderBy.aliases ?? {})];
      throw MlflowError.invalid(
        `Invalid order_by key '${clip(raw.key)}' in clause ${show(clause)}. Valid keys are '${pyList(valid)}'`,
      );
    }
    return { entity: 'attribute', key };
  }
  if (!grammar.orderBy.entities.includes(entity.entity)) {
    const valid = [...grammar.orderBy.entities, 'attribute'];
    throw MlflowError.invalid(
      `Invalid order_by entity type '${entity.entity}' in clause ${show(clause)}. Orderable entities are ${pyList(valid)}`,
    );
  }
  return { entity: entity.entity, key: raw.key };
}

/** Two clauses naming the same canonical field (e.g. `created` and `start_time`) are an error. */
function rejectDuplicates(keys: readonly OrderKey[], clauses: readonly string[]): void {
  const seen = new Map<string, number>();
  keys.forEach((k, i) => {
    const id = `${k.entity}\u0000${k.key}`;
    const first = seen.get(id);
    if (first !== undefined) {
      throw MlflowError.invalid(
        `Invalid order_by: \`order_by\` contains duplicate fields: ${k.entity} '${clip(k.key)}' ` +
          `(clauses ${show(clauses[first])} and ${show(clauses[i])})`,
      );
    }
    seen.set(id, i);
  });
}
