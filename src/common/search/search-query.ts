import { checkSearchSize } from '../validation';
import { Clause, parseFilter } from './filter-parser';
import type { SearchGrammar } from './grammars';
import { OrderKey, parseOrderBy } from './order-by';

/** Filter and order_by of one search request, parsed and bounded (every search API uses this). */
export function parseSearch(
  filter: string | undefined,
  orderBy: string[] | undefined,
  grammar: SearchGrammar,
): { clauses: Clause[]; orderBy: OrderKey[] } {
  const clauses = parseFilter(filter, grammar);
  const keys = parseOrderBy(orderBy, grammar);
  checkSearchSize(clauses, keys);
  return { clauses, orderBy: keys };
}
