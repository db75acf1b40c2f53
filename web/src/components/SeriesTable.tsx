import { useSearchParams } from 'react-router';
import { missingShare, pct, SeriesRow, seriesPage, SeriesSort } from '../lib/datasets';

const PAGE = 50;
const COLUMNS: [SeriesSort, string][] = [
  ['id', 'Series'],
  ['length', 'Length'],
  ['first', 'First'],
  ['last', 'Last'],
  ['missing', 'Missing'],
];

/**
 * The series of a panel, a page of 50 at a time (a panel of thousands renders as fast as one
 * of ten), with a filter on the id and sortable columns; filter, sort and page live in the URL.
 */
export function SeriesTable({ rows, total }: { rows: readonly SeriesRow[]; total: number }) {
  const [params, setParams] = useSearchParams();
  const filter = params.get('q') ?? '';
  const sort = (params.get('sort') as SeriesSort | null) ?? 'id';
  const desc = params.get('desc') === '1';
  const view = seriesPage(rows, { filter, sort, desc, page: Number(params.get('page') ?? 0) || 0, size: PAGE });
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  return (
    <>
      <div className="toolbar">
        <input
          aria-label="Filter series"
          placeholder="filter series ids"
          value={filter}
          onChange={(e) => set({ q: e.target.value, page: undefined })}
        />
        <span className="muted small" data-testid="series-count">
          {view.matched} of {rows.length} series
          {total > rows.length ? ` (the server lists the first ${rows.length} of ${total})` : ''}
        </span>
        <span className="spacer" />
        <button disabled={view.page === 0} onClick={() => set({ page: String(view.page - 1) })}>
          ‹ Previous
        </button>
        <span className="small" data-testid="series-page">
          page {view.page + 1} of {view.pages}
        </span>
        <button disabled={view.page >= view.pages - 1} onClick={() => set({ page: String(view.page + 1) })}>
          Next ›
        </button>
      </div>
      <table className="grid-table" data-testid="series-table">
        <thead>
          <tr>
            {COLUMNS.map(([key, label]) => (
              <th key={key} aria-sort={sort === key ? (desc ? 'descending' : 'ascending') : 'none'}>
                <button
                  className="link"
                  onClick={() => set({ sort: key, desc: sort === key && !desc ? '1' : undefined, page: undefined })}
                >
                  {label}
                  {sort === key ? (desc ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.rows.map((r) => (
            <tr key={r.id}>
              <td className="mono">{r.id}</td>
              <td>{r.length}</td>
              <td className="mono small">{r.first}</td>
              <td className="mono small">{r.last}</td>
              <td className={r.missing > 0 ? 'worse' : undefined}>
                {pct(missingShare(r))}
                {r.missing > 0 ? <span className="muted small"> ({r.missing} steps)</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
