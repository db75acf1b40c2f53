import type { Clause } from '../../common/search';
import type { Dialect } from '../../database/db';
import { inList, listParam, type Sql, stringCondition, textOrder } from '../../database/sql-dialect';
import type { DatasetFilter, ModelOrderKey, SearchLoggedModelsQuery } from '../logged-models/logged-model.types';
import { integerBound } from './run-search.sql';

export const LOGGED_MODEL_COLUMNS =
  'm.model_id, m.experiment_id, m.name, m.artifact_location, m.creation_timestamp_ms, m.last_updated_timestamp_ms, ' +
  'm.status, m.model_type, m.source_run_id, m.lifecycle_stage';

/** Logged-model attributes as columns of `logged_models m`. */
export const MODEL_ATTRIBUTE_COLUMNS: Readonly<Record<string, string>> = {
  name: 'm.name',
  model_id: 'm.model_id',
  model_type: 'm.model_type',
  source_run_id: 'm.source_run_id',
  status: 'm.status',
  experiment_id: 'm.experiment_id',
  artifact_location: 'm.artifact_location',
  creation_timestamp_ms: 'm.creation_timestamp_ms',
  last_updated_timestamp_ms: 'm.last_updated_timestamp_ms',
};

const NUMERIC_OPS = new Set(['=', '!=', '>', '>=', '<', '<=']);

/** Points on one of the listed datasets (name, and digest when given); no list = every point. */
function datasetScope(datasets: DatasetFilter[], alias: string): Sql {
  if (datasets.length === 0) return { sql: '', params: [] };
  const parts = datasets.map((ds) =>
    ds.digest !== undefined
      ? { sql: `(${alias}.dataset_name = ? AND ${alias}.dataset_digest = ?)`, params: [ds.name, ds.digest] }
      : { sql: `${alias}.dataset_name = ?`, params: [ds.name] },
  );
  return { sql: ` AND (${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
}

function keyed(d: Dialect, table: string, c: Clause): Sql {
  const cond = stringCondition(d, 'value', c);
  return {
    sql: `EXISTS (SELECT 1 FROM ${table} WHERE model_id = m.model_id AND key = ? AND ${cond.sql})`,
    params: [c.key, ...cond.params],
  };
}

/** A model matches `metrics.k op v` if ANY linked point of k (on the listed datasets) does. */
function clauseCondition(d: Dialect, c: Clause, datasets: DatasetFilter[]): Sql {
  if (c.entity === 'metric') {
    if (!NUMERIC_OPS.has(c.comparator)) throw new Error(`unsupported metric comparator ${c.comparator}`);
    const scope = datasetScope(datasets, 'mm');
    return {
      sql:
        `EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = m.model_id AND mm.key = ? ` +
        `AND mm.is_nan = 0 AND mm.value ${c.comparator} ?${scope.sql})`,
      params: [c.key, c.value, ...scope.params],
    };
  }
  if (c.entity === 'param') return keyed(d, 'logged_model_params', c);
  if (c.entity === 'tag') return keyed(d, 'logged_model_tags', c);
  const col = MODEL_ATTRIBUTE_COLUMNS[c.key];
  if (!col) throw new Error(`unknown logged model attribute ${c.key}`);
  if (typeof c.value === 'number') {
    if (!NUMERIC_OPS.has(c.comparator)) throw new Error(`unsupported numeric comparator ${c.comparator}`);
    return { sql: `${col} ${c.comparator} ${integerBound(c.value)}`, params: [c.value] };
  }
  // experiment_id is an integer column: compare its text form.
  const textCol = c.key === 'experiment_id' ? `CAST(${col} AS TEXT)` : col;
  return stringCondition(d, textCol, c);
}

/** The latest point (highest timestamp, then step) of a metric key, within the key's dataset. */
function latestMetric(key: ModelOrderKey & { field: { metric: string } }, i: number): Sql {
  const scope = datasetScope(key.dataset ? [key.dataset] : [], `ob${i}`);
  return {
    sql:
      `(SELECT CASE WHEN ob${i}.is_nan = 1 THEN NULL ELSE ob${i}.value END FROM logged_model_metrics ob${i} ` +
      `WHERE ob${i}.model_id = m.model_id AND ob${i}.key = ?${scope.sql} ` +
      `ORDER BY ob${i}.timestamp DESC, ob${i}.step DESC LIMIT 1)`,
    params: [key.field.metric, ...scope.params],
  };
}

function orderBy(d: Dialect, keys: ModelOrderKey[]): Sql {
  const terms: string[] = [];
  const params: unknown[] = [];
  keys.forEach((k, i) => {
    const dir = k.ascending ? 'ASC' : 'DESC';
    if ('metric' in k.field) {
      const value = latestMetric(k as ModelOrderKey & { field: { metric: string } }, i);
      // Models without the metric come last in both directions.
      terms.push(`CASE WHEN ${value.sql} IS NULL THEN 1 ELSE 0 END`, `${value.sql} ${dir}`);
      params.push(...value.params, ...value.params);
      return;
    }
    const col = MODEL_ATTRIBUTE_COLUMNS[k.field.attribute];
    terms.push(`${col.endsWith('_ms') || k.field.attribute === 'experiment_id' ? col : textOrder(d, col)} ${dir}`);
  });
  if (!keys.some((k) => 'attribute' in k.field && k.field.attribute === 'creation_timestamp_ms')) {
    terms.push('m.creation_timestamp_ms DESC');
  }
  terms.push('m.model_id ASC');
  return { sql: terms.join(', '), params };
}

/** One page (plus one look-ahead row) of a logged-model search. */
export function buildLoggedModelSearch(d: Dialect, q: SearchLoggedModelsQuery): Sql {
  const where = [inList(d, 'm.experiment_id'), "m.lifecycle_stage = 'active'"];
  const params: unknown[] = [listParam(d, q.experimentIds.map(Number))];
  for (const c of q.clauses) {
    const cond = clauseCondition(d, c, q.datasets);
    where.push(cond.sql);
    params.push(...cond.params);
  }
  if (q.datasets.length > 0 && !q.clauses.some((c) => c.entity === 'metric')) {
    const scope = datasetScope(q.datasets, 'ds');
    where.push(`EXISTS (SELECT 1 FROM logged_model_metrics ds WHERE ds.model_id = m.model_id${scope.sql})`);
    params.push(...scope.params);
  }
  const order = orderBy(d, q.orderBy);
  return {
    sql:
      `SELECT ${LOGGED_MODEL_COLUMNS} FROM logged_models m WHERE ${where.join(' AND ')} ` +
      `ORDER BY ${order.sql} LIMIT ? OFFSET ?`,
    params: [...params, ...order.params, q.maxResults + 1, q.offset],
  };
}
