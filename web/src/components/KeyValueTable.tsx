import { useState } from 'react';

/** A searchable key/value list (params, metrics, tags); long lists stay usable with the filter. */
export function KeyValueTable({
  title,
  rows,
}: {
  title: string;
  rows: { key: string; value: string; extra?: string }[];
}) {
  const [q, setQ] = useState('');
  const shown = rows
    .filter((r) => r.key.toLowerCase().includes(q.toLowerCase()))
    .sort((a, b) => a.key.localeCompare(b.key));
  return (
    <div className="kv">
      <h3>
        {title} <span className="muted small">({rows.length})</span>
      </h3>
      {rows.length > 8 && (
        <input
          type="search"
          placeholder="Filter"
          aria-label={`Filter ${title}`}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      )}
      <table className="grid-table">
        <tbody>
          {shown.slice(0, 500).map((r) => (
            <tr key={r.key}>
              <th className="mono">{r.key}</th>
              <td className="mono wrap">{r.value}</td>
              {r.extra !== undefined && <td className="muted small">{r.extra}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="muted">None.</p>}
    </div>
  );
}
