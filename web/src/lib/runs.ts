import type { Run } from '../api/types';

/** A run flattened for the table: built once per fetched page, never per render. */
export interface RunRow {
  id: string;
  name: string;
  experimentId: string;
  status: string;
  start?: number;
  end?: number;
  user?: string;
  parentId?: string;
  deleted: boolean;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

export function toRow(run: Run): RunRow {
  const tags: Record<string, string> = {};
  for (const t of run.data.tags ?? []) tags[t.key] = t.value;
  const params: Record<string, string> = {};
  for (const p of run.data.params ?? []) params[p.key] = p.value;
  const metrics: Record<string, number> = {};
  for (const m of run.data.metrics ?? []) metrics[m.key] = Number(m.value);
  return {
    id: run.info.run_id,
    name: run.info.run_name ?? tags['mlflow.runName'] ?? run.info.run_id.slice(0, 8),
    experimentId: run.info.experiment_id,
    status: run.info.status,
    start: run.info.start_time === undefined ? undefined : Number(run.info.start_time),
    end: run.info.end_time === undefined ? undefined : Number(run.info.end_time),
    user: run.info.user_id ?? tags['mlflow.user'],
    parentId: tags['mlflow.parentRunId'],
    deleted: run.info.lifecycle_stage === 'deleted',
    params,
    metrics,
    tags,
  };
}

export interface DisplayRow {
  row: RunRow;
  depth: number;
  /** Loaded children of this run (nested runs of a grid search). */
  children: number;
}

/**
 * The visible order: with grouping, children right under their (loaded) parent and hidden
 * unless the parent is expanded; runs whose parent is not loaded stay at the top level. O(n).
 */
export function displayRows(rows: RunRow[], grouped: boolean, expanded: ReadonlySet<string>): DisplayRow[] {
  if (!grouped) return rows.map((row) => ({ row, depth: 0, children: 0 }));
  const ids = new Set<string>();
  for (const r of rows) ids.add(r.id);
  const kids = new Map<string, RunRow[]>();
  for (const r of rows) {
    if (!r.parentId || !ids.has(r.parentId)) continue;
    let list = kids.get(r.parentId);
    if (!list) kids.set(r.parentId, (list = []));
    list.push(r);
  }
  const out: DisplayRow[] = [];
  const visit = (row: RunRow, depth: number) => {
    const children = kids.get(row.id) ?? [];
    out.push({ row, depth, children: children.length });
    if (expanded.has(row.id) && depth < 8) for (const c of children) visit(c, depth + 1);
  };
  for (const r of rows) if (!r.parentId || !ids.has(r.parentId)) visit(r, 0);
  return out;
}

export type ColumnKind = 'metrics' | 'params' | 'tags';
export interface DataColumn {
  kind: ColumnKind;
  key: string;
}

export const columnId = (c: DataColumn) => `${c.kind}:${c.key}`;

const KIND_NAME: Record<ColumnKind, string> = { metrics: 'metric', params: 'param', tags: 'tag' };

/** Keys used by more than one kind among these columns (a param and a metric both named `lr`). */
export function sharedKeys(cols: readonly DataColumn[]): Set<string> {
  const kinds = new Map<string, Set<ColumnKind>>();
  for (const c of cols) kinds.set(c.key, (kinds.get(c.key) ?? new Set()).add(c.kind));
  return new Set([...kinds].filter(([, k]) => k.size > 1).map(([key]) => key));
}

/** A column's header: its key, with its kind when another kind has the same key (`lr (param)`, `lr (metric)`). */
export const columnLabel = (c: DataColumn, shared: ReadonlySet<string>) =>
  shared.has(c.key) ? `${c.key} (${KIND_NAME[c.kind]})` : c.key;

export function parseColumns(text: string | null): DataColumn[] | undefined {
  if (text === null) return undefined;
  return text
    .split(',')
    .filter(Boolean)
    .map((id) => {
      const i = id.indexOf(':');
      return { kind: id.slice(0, i) as ColumnKind, key: decodeURIComponent(id.slice(i + 1)) };
    })
    .filter((c) => c.kind === 'metrics' || c.kind === 'params' || c.kind === 'tags');
}

export const formatColumns = (cols: DataColumn[]) =>
  cols.map((c) => `${c.kind}:${encodeURIComponent(c.key)}`).join(',');

/** Keys present in a set of rows (for the column chooser); user-facing tags only. */
export function columnKeys(rows: RunRow[]): Record<ColumnKind, string[]> {
  const seen = { metrics: new Set<string>(), params: new Set<string>(), tags: new Set<string>() };
  for (const r of rows) {
    for (const k in r.metrics) seen.metrics.add(k);
    for (const k in r.params) seen.params.add(k);
    for (const k in r.tags) if (!k.startsWith('mlflow.')) seen.tags.add(k);
  }
  return {
    metrics: [...seen.metrics].sort(),
    params: [...seen.params].sort(),
    tags: [...seen.tags].sort(),
  };
}
