import type { Clause, OrderKey } from '../../common/search';
import type { Dialect } from '../../database/db';
import { inList, listParam, type Sql, stringCondition, textOrder } from '../../database/sql-dialect';
import { SOURCE_RUN_METADATA, TRACE_NAME_TAG, type TraceSearchQuery } from '../tracing.types';

export const TRACE_COLUMNS =
  't.trace_id, t.experiment_id, t.client_request_id, t.request_time_ms, t.execution_duration_ms, t.state, ' +
  't.request_preview, t.response_preview';

/** Numeric trace attributes as SQL expressions over `traces t`. */
const NUMERIC: Readonly<Record<string, string>> = {
  timestamp_ms: 't.request_time_ms',
  execution_time_ms: 't.execution_duration_ms',
  end_time_ms: '(t.request_time_ms + t.execution_duration_ms)',
};
const STRINGS: Readonly<Record<string, string>> = {
  request_id: 't.trace_id',
  status: 't.state',
  client_request_id: 't.client_request_id',
  experiment_id: 'CAST(t.experiment_id AS TEXT)',
};

function keyed(d: Dialect, table: string, key: string, c: Clause): Sql {
  const cond = stringCondition(d, 'value', c);
  return {
    sql: `EXISTS (SELECT 1 FROM ${table} WHERE trace_id = t.trace_id AND key = ? AND ${cond.sql})`,
    params: [key, ...cond.params],
  };
}

function clauseCondition(d: Dialect, c: Clause): Sql {
  if (c.entity === 'tag') return keyed(d, 'trace_tags', c.key, c);
  if (c.entity === 'metadata') return keyed(d, 'trace_metadata', c.key, c);
  if (c.key === 'name') return keyed(d, 'trace_tags', TRACE_NAME_TAG, c);
  if (c.key === 'run_id') {
    const meta = keyed(d, 'trace_metadata', SOURCE_RUN_METADATA, c);
    const link = stringCondition(d, 'run_id', c);
    return {
      sql: `(${meta.sql} OR EXISTS (SELECT 1 FROM trace_run_links WHERE trace_id = t.trace_id AND ${link.sql}))`,
      params: [...meta.params, ...link.params],
    };
  }
  if (NUMERIC[c.key]) return { sql: `${NUMERIC[c.key]} ${c.comparator} ?`, params: [c.value] };
  const col = STRINGS[c.key];
  if (!col) throw new Error(`unknown trace attribute ${c.key}`);
  return stringCondition(d, col, c);
}

function orderTerms(d: Dialect, keys: OrderKey[]): Sql {
  const terms: string[] = [];
  const params: unknown[] = [];
  keys.forEach((k, i) => {
    const dir = k.ascending ? 'ASC' : 'DESC';
    if (k.entity === 'tag' || k.entity === 'metadata' || k.key === 'name') {
      const table = k.entity === 'metadata' ? 'trace_metadata' : 'trace_tags';
      terms.push(
        `(SELECT ${textOrder(d, `o${i}.value`)} FROM ${table} o${i} WHERE o${i}.trace_id = t.trace_id AND o${i}.key = ?) ${dir}`,
      );
      params.push(k.entity === 'attribute' ? TRACE_NAME_TAG : k.key);
    } else if (NUMERIC[k.key]) terms.push(`${NUMERIC[k.key]} ${dir}`);
    else terms.push(`${k.key === 'experiment_id' ? 't.experiment_id' : textOrder(d, STRINGS[k.key])} ${dir}`);
  });
  if (!keys.some((k) => k.entity === 'attribute' && k.key === 'timestamp_ms')) terms.push('t.request_time_ms DESC');
  terms.push('t.trace_id ASC');
  return { sql: terms.join(', '), params };
}

/** One page (plus one look-ahead row) of a trace search. */
export function buildTraceSearch(d: Dialect, q: TraceSearchQuery): Sql {
  const where = [inList(d, 't.experiment_id')];
  const params: unknown[] = [listParam(d, q.experimentIds.map(Number))];
  for (const c of q.clauses) {
    const cond = clauseCondition(d, c);
    where.push(cond.sql);
    params.push(...cond.params);
  }
  const order = orderTerms(d, q.orderBy);
  return {
    sql: `SELECT ${TRACE_COLUMNS} FROM traces t WHERE ${where.join(' AND ')} ORDER BY ${order.sql} LIMIT ? OFFSET ?`,
    params: [...params, ...order.params, q.maxResults + 1, q.offset],
  };
}
