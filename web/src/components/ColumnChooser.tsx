import { useMemo, useState } from 'react';
import { columnId, columnKeys, ColumnKind, columnLabel, DataColumn, RunRow, sharedKeys } from '../lib/runs';

const LIMIT = 300;

/** Picks table columns among the params/metrics/tags of loaded runs; keys are gathered only when opened. */
export function ColumnChooser(p: { rows: RunRow[]; columns: DataColumn[]; onChange: (c: DataColumn[]) => void }) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const keys = useMemo(() => (open ? columnKeys(p.rows) : undefined), [open, p.rows]);
  const chosen = new Set(p.columns.map(columnId));
  const shared = useMemo(
    () =>
      sharedKeys(
        keys
          ? (['metrics', 'params', 'tags'] as ColumnKind[]).flatMap((kind) => keys[kind].map((key) => ({ kind, key })))
          : [],
      ),
    [keys],
  );
  const toggle = (c: DataColumn) =>
    p.onChange(chosen.has(columnId(c)) ? p.columns.filter((x) => columnId(x) !== columnId(c)) : [...p.columns, c]);
  return (
    <div className="chooser">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Columns ({p.columns.length})
      </button>
      {open && keys && (
        <div className="popover" role="dialog" aria-label="Choose columns">
          <input autoFocus type="search" placeholder="Find a key" value={q} onChange={(e) => setQ(e.target.value)} />
          {(['metrics', 'params', 'tags'] as ColumnKind[]).map((kind) => {
            const list = keys[kind].filter((k) => k.toLowerCase().includes(q.toLowerCase()));
            return (
              <fieldset key={kind}>
                <legend>
                  {kind} ({list.length})
                </legend>
                {list.slice(0, LIMIT).map((key) => (
                  <label key={key} className="check">
                    <input
                      type="checkbox"
                      checked={chosen.has(`${kind}:${key}`)}
                      onChange={() => toggle({ kind, key })}
                    />
                    {columnLabel({ kind, key }, shared)}
                  </label>
                ))}
                {list.length > LIMIT && (
                  <div className="muted small">{list.length - LIMIT} more: refine the search</div>
                )}
              </fieldset>
            );
          })}
          <button type="button" onClick={() => setOpen(false)}>
            Done
          </button>
        </div>
      )}
    </div>
  );
}
