/**
 * Both tables as one compound query: `arm(table)` is a query over one of them (its parameters
 * are given twice). An ORDER BY appended to it merges the two arms' index orders (sqlite and
 * Postgres both merge sorted arms instead of sorting the whole history).
 */
export function historyUnion(arm: (table: 'metrics' | 'metric_recent') => string, distinct = false): string {
  return `${arm('metrics')} UNION${distinct ? '' : ' ALL'} ${arm('metric_recent')}`;
}
