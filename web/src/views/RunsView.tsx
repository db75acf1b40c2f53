import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { FormEvent, useCallback, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ML, get, post } from '../api/client';
import type { Experiment, Run } from '../api/types';
import { ColumnChooser } from '../components/ColumnChooser';
import { ErrorBox } from '../components/ErrorBox';
import { RunsTable } from '../components/RunsTable';
import {
  columnKeys,
  DataColumn,
  displayRows,
  DisplayRow,
  formatColumns,
  parseColumns,
  RunRow,
  toRow,
} from '../lib/runs';

const PAGE = 1000;
const MAX_URL_IDS = 200;
const rowsOfPage = new WeakMap<object, RunRow[]>();

interface SearchPage {
  runs?: Run[];
  next_page_token?: string;
}

function pageRows(page: SearchPage): RunRow[] {
  let rows = rowsOfPage.get(page);
  if (!rows) rowsOfPage.set(page, (rows = (page.runs ?? []).map(toRow)));
  return rows;
}

function combinedFilter(filter: string, status: string): string | undefined {
  const parts = [filter.trim(), status ? `attributes.status = '${status}'` : ''].filter(Boolean);
  return parts.length ? parts.join(' AND ') : undefined;
}

export function RunsView() {
  const { experimentId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const filter = params.get('filter') ?? '';
  const status = params.get('status') ?? '';
  const orderBy = params.get('order') ?? undefined;
  const lifecycle = params.get('view') ?? 'ACTIVE_ONLY';
  const grouped = params.get('flat') === null;
  const update = useCallback(
    (changes: Record<string, string | undefined>) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === undefined || v === '') next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: false },
      );
    },
    [setParams],
  );

  const experiment = useQuery({
    queryKey: ['experiment', experimentId],
    queryFn: () => get<{ experiment: Experiment }>(`${ML}/experiments/get`, { experiment_id: experimentId }),
  });
  const body = {
    experiment_ids: [experimentId],
    filter: combinedFilter(filter, status),
    order_by: orderBy ? [orderBy] : undefined,
    run_view_type: lifecycle,
    max_results: PAGE,
  };
  const runs = useInfiniteQuery({
    queryKey: ['runs', body],
    queryFn: ({ pageParam }) => post<SearchPage>(`${ML}/runs/search`, { ...body, page_token: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_page_token || undefined,
  });
  const pages = runs.data?.pages;
  const rows = useMemo(() => (pages ?? []).flatMap(pageRows), [pages]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const display = useMemo(() => displayRows(rows, grouped, expanded), [rows, grouped, expanded]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const chosen = parseColumns(params.get('cols'));
  const firstRows = pages?.[0] ? pageRows(pages[0]) : undefined;
  const columns: DataColumn[] = useMemo(() => {
    if (chosen) return chosen;
    const keys = columnKeys(firstRows?.slice(0, 200) ?? []);
    return [
      ...keys.metrics.slice(0, 4).map((key) => ({ kind: 'metrics' as const, key })),
      ...keys.params.slice(0, 3).map((key) => ({ kind: 'params' as const, key })),
    ];
  }, [params.get('cols'), firstRows]);

  const toggleIn = (set: ReadonlySet<string>, id: string) => {
    const next = new Set(set);
    if (!next.delete(id)) next.add(id);
    return next;
  };
  const onSelect = useCallback((id: string) => setSelected((s) => toggleIn(s, id)), []);
  const onToggle = useCallback((id: string) => setExpanded((s) => toggleIn(s, id)), []);
  const onOpen = useCallback(
    (d: DisplayRow) => navigate(`/experiments/${d.row.experimentId}/runs/${d.row.id}`),
    [navigate],
  );
  const onSort = useCallback((o: string | undefined) => update({ order: o }), [update]);
  const { fetchNextPage } = runs;
  const onNeedMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  const [draft, setDraft] = useState(filter);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update({ filter: draft.trim() });
  };
  const openCompare = () => {
    const ids = [...selected];
    if (ids.length <= MAX_URL_IDS) return navigate(`/compare?experiments=${experimentId}&runs=${ids.join(',')}`);
    // Thousands of ids do not fit a URL (request line limits): hand them over in session storage.
    const key = Date.now().toString(36);
    sessionStorage.setItem(`tsflow.compare.${key}`, JSON.stringify(ids));
    navigate(`/compare?experiments=${experimentId}&selection=${key}`);
  };

  return (
    <section className="runs-view">
      <div className="crumbs">
        <Link to="/experiments">Experiments</Link> / <strong>{experiment.data?.experiment.name ?? experimentId}</strong>
      </div>
      <ErrorBox error={experiment.error} title="Could not load the experiment" />
      <form className="toolbar" onSubmit={submit}>
        <input
          className="filter"
          type="search"
          aria-label="Filter runs"
          placeholder={"metrics.rmse < 1 and params.units = '32' and tags.`mlflow.runName` LIKE 'grid%'"}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
        <select aria-label="Status" value={status} onChange={(e) => update({ status: e.target.value })}>
          <option value="">Any status</option>
          {['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'SCHEDULED'].map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <select aria-label="Lifecycle" value={lifecycle} onChange={(e) => update({ view: e.target.value })}>
          <option value="ACTIVE_ONLY">Active</option>
          <option value="DELETED_ONLY">Deleted</option>
          <option value="ALL">All</option>
        </select>
        <label className="check">
          <input
            type="checkbox"
            checked={grouped}
            onChange={(e) => update({ flat: e.target.checked ? undefined : '1' })}
          />
          Group nested runs
        </label>
        <ColumnChooser rows={rows} columns={columns} onChange={(c) => update({ cols: formatColumns(c) })} />
        <span className="spacer" />
        <span className="muted small" data-testid="run-count">
          {rows.length}
          {runs.hasNextPage ? '+' : ''} runs
        </span>
        <button
          type="button"
          disabled={rows.length === 0 || selected.size === rows.length}
          onClick={() => setSelected(new Set(rows.map((r) => r.id)))}
        >
          Select all
        </button>
        <button type="button" disabled={selected.size < 1} onClick={openCompare}>
          Compare {selected.size || ''}
        </button>
        {selected.size > 0 && (
          <button type="button" onClick={() => setSelected(new Set())}>
            Clear
          </button>
        )}
      </form>
      <ErrorBox error={runs.error} title="Search failed" />
      <RunsTable
        rows={display}
        columns={columns}
        selected={selected}
        expanded={expanded}
        orderBy={orderBy}
        hasMore={!!runs.hasNextPage}
        loadingMore={runs.isFetchingNextPage || runs.isLoading}
        onNeedMore={onNeedMore}
        onSort={onSort}
        onSelect={onSelect}
        onToggle={onToggle}
        onOpen={onOpen}
      />
      {!runs.isLoading && !runs.error && rows.length === 0 && <p className="muted">No runs match.</p>}
    </section>
  );
}
