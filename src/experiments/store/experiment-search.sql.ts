import type { Clause, OrderKey } from '../../common/search';
import type { Dialect } from '../../database/db';
import { amongValues, stringComparison, textOrder } from '../../database/sql-dialect';
import type { SearchQuery } from '../tracking.store';
import { integerBound } from './run-search.sql';

const COLUMNS: Record<string, string> = {
  name: 'e.name',
  experiment_id: 'e.experiment_id',
  creation_time: 'e.creation_time',
  last_update_time: 'e.last_update_time',
};

function condition(d: Dialect, c: Clause): { sql: string; params: unknown[] } {
  if (c.entity === 'tag') {
    const cmp = stringComparison(d, 'value', c.comparator, String(c.value));
    return {
      sql: `e.experiment_id IN (SELECT experiment_id FROM experiment_tags WHERE key = ? AND ${cmp.sql})`,
      params: [c.key, cmp.param],
    };
  }
  const col = COLUMNS[c.key];
  if (!col) throw new Error(`unknown experiment attribute ${c.key}`);
  if (typeof c.value === 'number') return { sql: `${col} ${c.comparator} ${integerBound(c.value)}`, params: [c.value] };
  const cmp = stringComparison(d, col, c.comparator, String(c.value));
  return { sql: cmp.sql, params: [cmp.param] };
}

function orderBy(d: Dialect, keys: OrderKey[]): string {
  const terms = keys.map((k) => {
    const col = COLUMNS[k.key];
    if (!col) throw new Error(`unknown experiment order key ${k.key}`);
    return `${k.key === 'name' ? textOrder(d, col) : col} ${k.ascending ? 'ASC' : 'DESC'}`;
  });
  if (keys.length === 0) terms.push('e.creation_time DESC', 'e.experiment_id ASC');
  else if (!keys.some((k) => k.key === 'experiment_id')) terms.push('e.experiment_id DESC');
  return terms.join(', ');
}

/** The columns of an experiment row, in the order every experiment read selects them. */
export const EXPERIMENT_FIELDS = [
  'experiment_id',
  'name',
  'artifact_location',
  'lifecycle_stage',
  'creation_time',
  'last_update_time',
] as const;

/** One page of search-experiments, pinned to ids at or below `snapshot`. */
export function buildExperimentSearch(d: Dialect, q: SearchQuery, snapshot: number) {
  const stage = amongValues('e.lifecycle_stage', q.stages);
  const where = [stage.sql, 'e.experiment_id <= ?'];
  const params: unknown[] = [...stage.params, snapshot];
  for (const c of q.clauses) {
    const cond = condition(d, c);
    where.push(cond.sql);
    params.push(...cond.params);
  }
  const sql =
    `SELECT ${EXPERIMENT_FIELDS.map((f) => `e.${f}`).join(', ')} ` +
    `FROM experiments e WHERE ${where.join(' AND ')} ORDER BY ${orderBy(d, q.orderBy)} LIMIT ? OFFSET ?`;
  return { sql, params: [...params, q.maxResults + 1, q.page?.offset ?? 0] };
}
