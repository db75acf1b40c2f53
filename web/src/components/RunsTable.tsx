import { ColumnDef, getCoreRowModel, Header, SortingState, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { KeyboardEvent, memo, ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { fmtDuration, fmtNum, fmtTime } from '../lib/format';
import { columnId, columnLabel, DataColumn, DisplayRow, sharedKeys } from '../lib/runs';

const ROW_HEIGHT = 30;
const NO_ROWS: DisplayRow[] = [];

type Render = (d: DisplayRow, ctx: RowContext) => ReactNode;
interface RowContext {
  selected: boolean;
  expanded: boolean;
  onSelect: (id: string) => void;
  onToggle: (id: string) => void;
  onOpen: (d: DisplayRow) => void;
}
interface Col {
  id: string;
  header: string;
  size: number;
  /** The `order_by` expression when sortable. */
  sortKey?: string;
  render: Render;
}

function statusCell(status: string) {
  return <span className={`status status-${status.toLowerCase()}`}>{status}</span>;
}

function baseColumns(): Col[] {
  return [
    {
      id: 'select',
      header: '',
      size: 34,
      render: (d, c) => (
        <input
          type="checkbox"
          tabIndex={-1}
          aria-label={`Select ${d.row.name}`}
          checked={c.selected}
          onChange={() => c.onSelect(d.row.id)}
        />
      ),
    },
    {
      id: 'name',
      header: 'Run',
      size: 260,
      sortKey: 'attributes.run_name',
      render: (d, c) => (
        <span className="run-name" style={{ paddingLeft: d.depth * 18 }}>
          {d.children > 0 ? (
            <button
              className="twisty"
              tabIndex={-1}
              aria-label={c.expanded ? 'Collapse' : 'Expand'}
              onClick={() => c.onToggle(d.row.id)}
            >
              {c.expanded ? '▾' : '▸'}
            </button>
          ) : (
            <span className="twisty" />
          )}
          <a
            href={`/experiments/${d.row.experimentId}/runs/${d.row.id}`}
            onClick={(e) => {
              if (e.metaKey || e.ctrlKey || e.shiftKey) return;
              e.preventDefault();
              c.onOpen(d);
            }}
          >
            {d.row.name}
          </a>
          {d.children > 0 && <span className="muted small"> ({d.children})</span>}
        </span>
      ),
    },
    { id: 'status', header: 'Status', size: 96, sortKey: 'attributes.status', render: (d) => statusCell(d.row.status) },
    {
      id: 'start',
      header: 'Started',
      size: 172,
      sortKey: 'attributes.start_time',
      render: (d) => fmtTime(d.row.start),
    },
    { id: 'duration', header: 'Duration', size: 92, render: (d) => fmtDuration(d.row.start, d.row.end) },
    { id: 'user', header: 'User', size: 100, sortKey: 'attributes.user_id', render: (d) => d.row.user },
  ];
}

function dataColumn(c: DataColumn, shared: ReadonlySet<string>): Col {
  const q = /^[A-Za-z_][\w.]*$/.test(c.key) ? c.key : `\`${c.key}\``;
  const render: Render =
    c.kind === 'metrics'
      ? (d) => fmtNum(d.row.metrics[c.key])
      : (d) => (c.kind === 'params' ? d.row.params : d.row.tags)[c.key];
  return { id: columnId(c), header: columnLabel(c, shared), size: 120, sortKey: `${c.kind}.${q}`, render };
}

interface Props {
  rows: DisplayRow[];
  columns: DataColumn[];
  selected: ReadonlySet<string>;
  expanded: ReadonlySet<string>;
  orderBy?: string;
  hasMore: boolean;
  loadingMore: boolean;
  onNeedMore: () => void;
  onSort: (orderBy: string | undefined) => void;
  onSelect: (id: string) => void;
  onToggle: (id: string) => void;
  onOpen: (d: DisplayRow) => void;
}

/**
 * The runs table: TanStack Table owns the column model (headers, sizes, resizing, sort state);
 * TanStack Virtual renders only the visible rows, straight from the flat DisplayRow array. The
 * table is given no row data, so a fetched page never rebuilds a 100,000-row model.
 */
export function RunsTable(p: Props) {
  const cols = useMemo(() => {
    const shared = sharedKeys(p.columns);
    return [...baseColumns(), ...p.columns.map((c) => dataColumn(c, shared))];
  }, [p.columns]);
  const byId = useMemo(() => new Map(cols.map((c) => [c.id, c])), [cols]);
  const sorting: SortingState = useMemo(() => {
    if (!p.orderBy) return [];
    const m = /^(.*?)(?:\s+(ASC|DESC))?$/i.exec(p.orderBy.trim());
    const col = cols.find((c) => c.sortKey === m?.[1]);
    return col ? [{ id: col.id, desc: (m?.[2] ?? 'ASC').toUpperCase() === 'DESC' }] : [];
  }, [p.orderBy, cols]);
  const defs: ColumnDef<DisplayRow>[] = useMemo(
    () => cols.map((c) => ({ id: c.id, header: c.header, size: c.size, enableSorting: !!c.sortKey, minSize: 30 })),
    [cols],
  );
  const table = useReactTable<DisplayRow>({
    data: NO_ROWS,
    columns: defs,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    enableColumnResizing: true,
    columnResizeMode: 'onChange',
    state: { sorting },
  });
  const headers = table.getHeaderGroups()[0].headers;
  const template = headers.map((h) => `${h.getSize()}px`).join(' ');
  const width = headers.reduce((s, h) => s + h.getSize(), 0);

  const scroller = useRef<HTMLDivElement>(null);
  const count = p.rows.length + (p.hasMore ? 1 : 0);
  const virtual = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : 0;
  const { hasMore, loadingMore, onNeedMore } = p;
  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= p.rows.length - 60) onNeedMore();
  }, [lastIndex, hasMore, loadingMore, onNeedMore, p.rows.length]);

  const [active, setActive] = useState(0);
  const move = (i: number) => {
    const next = Math.max(0, Math.min(p.rows.length - 1, i));
    setActive(next);
    virtual.scrollToIndex(next, { align: 'auto' });
  };
  const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
  const onKey = (e: KeyboardEvent) => {
    const d = p.rows[active];
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      PageDown: () => move(active + page),
      PageUp: () => move(active - page),
      Home: () => move(0),
      End: () => move(p.rows.length - 1),
      ' ': () => d && p.onSelect(d.row.id),
      Enter: () => d && p.onOpen(d),
      ArrowRight: () => d && d.children > 0 && !p.expanded.has(d.row.id) && p.onToggle(d.row.id),
      ArrowLeft: () => d && p.expanded.has(d.row.id) && p.onToggle(d.row.id),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  return (
    <div
      className="runs-table"
      ref={scroller}
      role="grid"
      aria-rowcount={p.rows.length}
      tabIndex={0}
      onKeyDown={onKey}
      data-testid="runs-table"
    >
      <div className="rt-head" role="row" style={{ gridTemplateColumns: template, width }}>
        {headers.map((h) => (
          <HeaderCell key={h.id} header={h} sortKey={byId.get(h.id)?.sortKey} onSort={p.onSort} />
        ))}
      </div>
      <div style={{ height: virtual.getTotalSize(), width, position: 'relative' }}>
        {items.map((item) => {
          const d = p.rows[item.index];
          if (!d) {
            return (
              <div key="more" className="rt-row muted" style={{ transform: `translateY(${item.start}px)`, width }}>
                Loading more runs…
              </div>
            );
          }
          return (
            <RowView
              key={d.row.id}
              d={d}
              cols={cols}
              template={template}
              width={width}
              top={item.start}
              index={item.index}
              active={item.index === active}
              selected={p.selected.has(d.row.id)}
              expanded={p.expanded.has(d.row.id)}
              onSelect={p.onSelect}
              onToggle={p.onToggle}
              onOpen={p.onOpen}
            />
          );
        })}
      </div>
    </div>
  );
}

const HeaderCell = memo(function HeaderCell({
  header,
  sortKey,
  onSort,
}: {
  header: Header<DisplayRow, unknown>;
  sortKey?: string;
  onSort: (o?: string) => void;
}) {
  const sorted = header.column.getIsSorted();
  const label = header.column.columnDef.header as string;
  // Server-side sort: ascending, then descending, then the server's default order.
  const next = () => onSort(sorted === 'asc' ? `${sortKey} DESC` : sorted === 'desc' ? undefined : `${sortKey} ASC`);
  return (
    <div
      className="rt-cell rt-th"
      role="columnheader"
      aria-sort={sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : undefined}
      title={label}
    >
      {sortKey ? (
        <button className="sort" onClick={next}>
          {label}
          {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
        </button>
      ) : (
        label
      )}
      <span className="resizer" onMouseDown={header.getResizeHandler()} onTouchStart={header.getResizeHandler()} />
    </div>
  );
});

const RowView = memo(function RowView(
  props: {
    d: DisplayRow;
    cols: Col[];
    template: string;
    width: number;
    top: number;
    index: number;
    active: boolean;
  } & RowContext,
) {
  const { d, cols, template, width, top, index, active, ...ctx } = props;
  return (
    <div
      className={`rt-row${active ? ' active' : ''}${ctx.selected ? ' selected' : ''}${d.row.deleted ? ' deleted' : ''}`}
      role="row"
      aria-rowindex={index + 1}
      aria-selected={ctx.selected}
      data-run-id={d.row.id}
      style={{ gridTemplateColumns: template, width, transform: `translateY(${top}px)` }}
    >
      {cols.map((c) => (
        <div key={c.id} className="rt-cell" role="gridcell">
          {c.render(d, ctx)}
        </div>
      ))}
    </div>
  );
});
