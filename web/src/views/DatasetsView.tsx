import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ApiError, get } from '../api/client';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { fmtNum } from '../lib/format';

/**
 * A training dataset as GET /api/v1/training/datasets describes it: today name, rows and date
 * range; with the series datasets also series count, length per series, frequency, missing
 * share, columns and findings. Fields are shown when present, unknown ones as they come.
 */
export type Dataset = Record<string, unknown> & { name: string };

const LABELS: Record<string, string> = {
  rows: 'Rows',
  series_count: 'Series',
  frequency: 'Frequency',
  first_date: 'From',
  last_date: 'To',
  missing_share: 'Missing',
  length: 'Length per series',
};
const SUMMARY = ['rows', 'series_count', 'frequency', 'first_date', 'last_date', 'missing_share'];

function show(key: string, v: unknown): string {
  if (v === undefined || v === null) return '';
  if (key === 'missing_share' && typeof v === 'number') return `${(v * 100).toFixed(1)} %`;
  if (typeof v === 'number') return fmtNum(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ('min' in o || 'max' in o)
      return ['min', 'median', 'max']
        .filter((k) => k in o)
        .map((k) => `${k} ${o[k]}`)
        .join(' · ');
  }
  return JSON.stringify(v);
}

export function DatasetsView() {
  const datasets = useQuery({
    queryKey: ['datasets'],
    queryFn: () => get<{ datasets?: Dataset[] }>('/api/v1/training/datasets'),
  });
  const list = datasets.data?.datasets ?? [];
  const columns = SUMMARY.filter((k) => list.some((d) => d[k] !== undefined && d[k] !== null));
  return (
    <section>
      <h1>Datasets</h1>
      <p className="muted small">
        Uploaded training data (PUT /api/v1/training/datasets/&#123;name&#125;); train on one with the source{' '}
        <code>csv</code>.
      </p>
      <ErrorBox error={datasets.error} title="Could not load the datasets" />
      {datasets.isLoading && <Loading what="datasets" />}
      {datasets.data && list.length === 0 && <p className="muted">No datasets uploaded.</p>}
      {list.length > 0 && (
        <table className="grid-table" data-testid="datasets">
          <thead>
            <tr>
              <th>Name</th>
              {columns.map((k) => (
                <th key={k}>{LABELS[k] ?? k}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.name}>
                <td>
                  <Link to={`/datasets/${encodeURIComponent(d.name)}`}>{d.name}</Link>
                </td>
                {columns.map((k) => (
                  <td key={k}>{show(k, d[k])}</td>
                ))}
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

export function DatasetView() {
  const { name = '' } = useParams();
  const dataset = useQuery({ queryKey: ['dataset', name], queryFn: () => loadDataset(name) });
  const d = dataset.data;
  const findings = Array.isArray(d?.findings) ? (d.findings as unknown[]) : [];
  const columns = Array.isArray(d?.columns) ? (d.columns as unknown[]) : [];
  const rest = d ? Object.entries(d).filter(([k]) => !['name', 'findings', 'columns'].includes(k)) : [];
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
          <h1>{d.name}</h1>
          <table className="grid-table" data-testid="dataset-summary">
            <tbody>
              {rest.map(([k, v]) => (
                <tr key={k}>
                  <th>{LABELS[k] ?? k}</th>
                  <td>{show(k, v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {columns.length > 0 && (
            <>
              <h2>Columns</h2>
              <table className="grid-table">
                <tbody>
                  {columns.map((c, i) => (
                    <tr key={i}>
                      <td className="mono small">{typeof c === 'string' ? c : JSON.stringify(c)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {findings.length > 0 && (
            <>
              <h2>Findings</h2>
              <ul data-testid="findings">
                {findings.map((f, i) => (
                  <li key={i}>{typeof f === 'string' ? f : show('', f)}</li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
