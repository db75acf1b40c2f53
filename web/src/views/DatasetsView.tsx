import { useQuery } from '@tanstack/react-query';
import { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, get } from '../api/client';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { SeriesTable } from '../components/SeriesTable';
import { Dataset, findings, frequencyName, pct } from '../lib/datasets';
import { fmtNum, fmtTime } from '../lib/format';

export type { Dataset } from '../lib/datasets';

const first = (d: Dataset) => d.first_timestamp ?? d.first_date ?? '';
const last = (d: Dataset) => d.last_timestamp ?? d.last_date ?? '';
const freq = (d: Dataset) => (d.frequency ? `${d.frequency} (${frequencyName(d.frequency)})` : '');

export function DatasetsView() {
  const datasets = useQuery({
    queryKey: ['datasets'],
    queryFn: () => get<{ datasets?: Dataset[] }>('/api/v1/training/datasets'),
  });
  const list = datasets.data?.datasets ?? [];
  return (
    <section>
      <h1>Datasets</h1>
      <p className="muted small">
        Uploaded training data (PUT /api/v1/training/datasets/&#123;name&#125;): series datasets (CSV or NDJSON, one or
        many series) and price histories (train on those with the source <code>csv</code>).
      </p>
      <ErrorBox error={datasets.error} title="Could not load the datasets" />
      {datasets.isLoading && <Loading what="datasets" />}
      {datasets.data && list.length === 0 && <p className="muted">No datasets uploaded.</p>}
      {list.length > 0 && (
        <table className="grid-table" data-testid="datasets">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Series</th>
              <th>Frequency</th>
              <th>Rows</th>
              <th>From</th>
              <th>To</th>
              <th>Missing</th>
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.name}>
                <td>
                  <Link to={`/datasets/${encodeURIComponent(d.name)}`}>{d.name}</Link>
                </td>
                <td>{d.kind ?? ''}</td>
                <td>{d.series_count ?? (d.kind === 'prices' ? 1 : '')}</td>
                <td>{freq(d)}</td>
                <td>{fmtNum(d.rows)}</td>
                <td className="mono small">{first(d)}</td>
                <td className="mono small">{last(d)}</td>
                <td>{pct(d.missing_share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The dataset's own description when the server has one (GET …/{name}), else its line of the list. */
async function loadDataset(name: string): Promise<Dataset | undefined> {
  try {
    const one = await get<Dataset | { dataset: Dataset }>(`/api/v1/training/datasets/${encodeURIComponent(name)}`);
    return 'dataset' in one ? (one.dataset as Dataset) : one;
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 405)) throw err;
    const all = await get<{ datasets?: Dataset[] }>('/api/v1/training/datasets');
    return all.datasets?.find((d) => d.name === name);
  }
}

const SHOWN = new Set([
  'name',
  'kind',
  'format',
  'rows',
  'series_count',
  'frequency',
  'seasonal_periods',
  'first_timestamp',
  'last_timestamp',
  'first_date',
  'last_date',
  'length',
  'missing_share',
  'digest',
  'uploaded_at',
  'columns',
  'inferred',
  'validation',
  'series',
]);

/** The summary rows: what a user asks first (how many series, how often, from when to when, how complete). */
function summary(d: Dataset): [string, ReactNode][] {
  const rows: [string, ReactNode][] = [
    ['Kind', d.kind],
    ['Format', d.format as string | undefined],
    ['Rows', fmtNum(d.rows)],
    ['Series', d.series_count],
    ['Frequency', freq(d)],
    ['Seasonal periods', d.seasonal_periods?.length ? `${d.seasonal_periods.join(', ')} steps` : undefined],
    ['First', first(d)],
    ['Last', last(d)],
    [
      'Length per series',
      d.length ? `min ${d.length.min} · mean ${fmtNum(d.length.mean)} · max ${d.length.max}` : undefined,
    ],
    ['Missing', d.missing_share !== undefined ? pct(d.missing_share) : undefined],
    ['Digest', d.digest ? <code>{d.digest}</code> : undefined],
    ['Uploaded', d.uploaded_at ? fmtTime(d.uploaded_at) : undefined],
  ];
  // Fields this page does not know yet, shown as they come.
  for (const [k, v] of Object.entries(d)) if (!SHOWN.has(k)) rows.push([k, JSON.stringify(v)]);
  return rows.filter(([, v]) => v !== undefined && v !== '');
}

export function DatasetView() {
  const { name = '' } = useParams();
  const dataset = useQuery({ queryKey: ['dataset', name], queryFn: () => loadDataset(name) });
  const d = dataset.data;
  const found = d ? findings(d) : [];
  return (
    <section>
      <div className="crumbs">
        <Link to="/datasets">Datasets</Link> / <strong>{name}</strong>
      </div>
      <ErrorBox error={dataset.error} title="Could not load the dataset" />
      {dataset.isLoading && <Loading />}
      {dataset.data === undefined && !dataset.isLoading && !dataset.error && (
        <div className="error" role="alert">
          No dataset named {name}.
        </div>
      )}
      {d && (
        <>
          <div className="toolbar">
            <h1>{d.name}</h1>
            <span className="spacer" />
            {d.kind === 'series' && (
              <Link to={`/training?dataset=${encodeURIComponent(d.name)}`}>Search models on it</Link>
            )}
          </div>
          <table className="grid-table kv" data-testid="dataset-summary">
            <tbody>
              {summary(d).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {found.length > 0 && (
            <>
              <h2>Findings</h2>
              <ul data-testid="findings">
                {found.map((f, i) => (
                  <li key={i} className={f.severity === 'problem' ? 'worse' : undefined}>
                    {f.text}
                  </li>
                ))}
              </ul>
            </>
          )}
          {d.columns && d.columns.length > 0 && (
            <>
              <h2>Columns</h2>
              <table className="grid-table" data-testid="dataset-columns">
                <thead>
                  <tr>
                    <th>Column</th>
                    <th>Role</th>
                  </tr>
                </thead>
                <tbody>
                  {d.columns.map((c) => (
                    <tr key={c.name}>
                      <td className="mono">{c.name}</td>
                      <td>{c.role}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {d.series && d.series.length > 0 && (
            <>
              <h2>Series</h2>
              <SeriesTable rows={d.series} total={d.series_count ?? d.series.length} />
            </>
          )}
        </>
      )}
    </section>
  );
}
