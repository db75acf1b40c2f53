import type { Clause, OrderKey } from '../../common/search';
import type { Dialect } from '../../database/db';
import { inList, listParam, stringComparison, textOrder } from '../../database/sql-dialect';
import type { RegistrySearchQuery } from '../model-registry.store';
import { PROMPT_TAG } from '../registry.types';
import { MODEL_COLUMNS, VERSION_COLUMNS, VISIBLE } from './registry-rows';

/**
 * SQL for search-registered-models (§8.3) and search-model-versions (§8.4). Offset paging
 * with a look-ahead of one row: the caller asks for maxResults + 1 and emits a token only
 * when that extra row exists.
 */

interface Condition {
  sql: string;
  params: unknown[];
}

/** Where a tag lives: the tag table and the join condition to the searched row. */
interface TagTable {
  table: string;
  join: string;
}

const MODEL_TAGS: TagTable = { table: 'registered_model_tags', join: 't.name = m.name' };
const VERSION_TAGS: TagTable = { table: 'model_version_tags', join: 't.name = v.name AND t.version = v.version' };

/**
 * A tag clause. Missing tags never match, except the prompt tag: an entity without it counts
 * as `'false'`, so the client's own `!= 'true'` filter keeps ordinary models.
 */
function tagCondition(d: Dialect, c: Clause, tags: TagTable): Condition {
  const value = String(c.value);
  if (c.key === PROMPT_TAG) {
    const col = `COALESCE((SELECT t.value FROM ${tags.table} t WHERE ${tags.join} AND t.key = ?), 'false')`;
    const cmp = stringComparison(d, col, c.comparator, value);
    return { sql: cmp.sql, params: [c.key, cmp.param] };
  }
  const cmp = stringComparison(d, 't.value', c.comparator, value);
  return {
    sql: `EXISTS (SELECT 1 FROM ${tags.table} t WHERE ${tags.join} AND t.key = ? AND ${cmp.sql})`,
    params: [c.key, cmp.param],
  };
}

/** Registered models tagged as prompts are left out unless the filter asked for them. */
function promptExclusion(modelName: string): Condition {
  return {
    sql: `NOT EXISTS (SELECT 1 FROM registered_model_tags p WHERE p.name = ${modelName} AND p.key = ? AND p.value = 'true')`,
    params: [PROMPT_TAG],
  };
}

function whereSql(conditions: Condition[]): { sql: string; params: unknown[] } {
  if (conditions.length === 0) return { sql: '', params: [] };
  return { sql: `WHERE ${conditions.map((c) => c.sql).join(' AND ')}`, params: conditions.flatMap((c) => c.params) };
}

const direction = (k: OrderKey) => (k.ascending ? 'ASC' : 'DESC');

export function buildRegisteredModelSearch(d: Dialect, q: RegistrySearchQuery) {
  const conditions = q.clauses.map((c): Condition => {
    if (c.entity === 'tag') return tagCondition(d, c, MODEL_TAGS);
    const cmp = stringComparison(d, 'm.name', c.comparator, String(c.value));
    return { sql: cmp.sql, params: [cmp.param] };
  });
  if (!q.includePrompts) conditions.push(promptExclusion('m.name'));
  const where = whereSql(conditions);
  const terms = q.orderBy.map(
    (k) => `${k.key === 'name' ? textOrder(d, 'm.name') : 'm.last_updated_time'} ${direction(k)}`,
  );
  if (!q.orderBy.some((k) => k.key === 'name')) terms.push(`${textOrder(d, 'm.name')} ASC`);
  const sql = `SELECT ${MODEL_COLUMNS} FROM registered_models m ${where.sql} ORDER BY ${terms.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, params: [...where.params, q.maxResults + 1, q.page?.offset ?? 0] };
}

const VERSION_ATTRIBUTES: Record<string, string> = {
  name: 'v.name',
  version_number: 'v.version',
  run_id: 'v.run_id',
  source_path: 'v.source',
  creation_timestamp: 'v.creation_time',
  last_updated_timestamp: 'v.last_updated_time',
};

function versionCondition(d: Dialect, c: Clause): Condition {
  if (c.entity === 'tag') return tagCondition(d, c, VERSION_TAGS);
  const col = VERSION_ATTRIBUTES[c.key];
  if (!col) throw new Error(`unknown model version attribute ${c.key}`);
  if (Array.isArray(c.value)) {
    // `run_id IN ()` is valid syntax (MLflow accepts an empty list) and matches nothing.
    if (c.value.length === 0) return { sql: '1 = 0', params: [] };
    return { sql: inList(d, col), params: [listParam(d, c.value)] };
  }
  if (typeof c.value === 'number') return { sql: `${col} ${c.comparator} ?`, params: [c.value] };
  const cmp = stringComparison(d, col, c.comparator, c.value);
  return { sql: cmp.sql, params: [cmp.param] };
}

function versionOrder(d: Dialect, keys: OrderKey[]): string {
  const order = keys.length ? [...keys] : [{ entity: 'attribute', key: 'last_updated_timestamp', ascending: false }];
  if (!order.some((k) => k.key === 'name')) order.push({ entity: 'attribute', key: 'name', ascending: true });
  if (!order.some((k) => k.key === 'version_number'))
    order.push({ entity: 'attribute', key: 'version_number', ascending: false });
  return order
    .map((k) => {
      const col = VERSION_ATTRIBUTES[k.key];
      if (!col) throw new Error(`unknown model version order key ${k.key}`);
      return `${k.key === 'name' ? textOrder(d, col) : col} ${direction(k)}`;
    })
    .join(', ');
}

export function buildModelVersionSearch(d: Dialect, q: RegistrySearchQuery) {
  const conditions: Condition[] = [{ sql: VISIBLE, params: [] }, ...q.clauses.map((c) => versionCondition(d, c))];
  if (!q.includePrompts) conditions.push(promptExclusion('v.name'));
  const where = whereSql(conditions);
  const sql = `SELECT ${VERSION_COLUMNS} FROM model_versions v ${where.sql} ORDER BY ${versionOrder(d, q.orderBy)} LIMIT ? OFFSET ?`;
  return { sql, params: [...where.params, q.maxResults + 1, q.page?.offset ?? 0] };
}
