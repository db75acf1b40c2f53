import { useQuery } from '@tanstack/react-query';
import { FormEvent, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { get, post } from '../api/client';
import { useAction } from '../api/hooks';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { fmtTime } from '../lib/format';
import { checkField, defaultText, ParamSpec } from '../lib/params';
import { SeriesSearchForm } from './SeriesSearchForm';

// Selection is on validation metrics only (the server refuses test_*: it would leak the test period).
const METRICS = ['val_mae', 'val_rmse', 'val_mape', 'val_skill'];

interface GridSummary {
  job_id: string;
  state: string;
  parent_run_id?: string;
  best_run_id?: string;
  created_at?: number;
}

function TrainingForm({ specs }: { specs: ParamSpec[] }) {
  const navigate = useNavigate();
  const [mode, setMode] = useState<'grid' | 'run'>('grid');
  const [dataset, setDataset] = useState({
    ticker: 'MSFT',
    source: 'sample',
    start_date: '2021-01-01',
    end_date: '2021-12-31',
  });
  const [experiment, setExperiment] = useState('training');
  const [metric, setMetric] = useState('val_mae');
  const [model, setModel] = useState('');
  const [policy, setPolicy] = useState('if_better');
  const [text, setText] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      specs.map((s) => [s.name, s.name === 'epochs' ? '5' : s.name === 'units' ? '8, 16' : defaultText(s)]),
    ),
  );
  const grid = mode === 'grid';
  const checked = useMemo(
    () => specs.map((s) => ({ spec: s, ...checkField(s, text[s.name] ?? '', grid) })),
    [specs, text, grid],
  );
  const errors = checked.filter((c) => c.error).map((c) => c.error!);
  const candidates = checked.reduce((n, c) => n * (c.values?.length ?? 1), 1);
  if (grid && candidates > 1000) errors.push(`${candidates} candidates: at most 1000`);
  if (grid && candidates < 2 && errors.length === 0)
    errors.push('A grid needs at least one param with two or more values (a, b).');
  const submit = useAction(
    async () => {
      const params: Record<string, unknown> = {};
      const gridValues: Record<string, unknown[]> = {};
      for (const c of checked) {
        if (c.values) gridValues[c.spec.name] = c.values;
        else if (c.value !== undefined) params[c.spec.name] = c.value;
      }
      const body = { experiment_name: experiment || undefined, dataset, params };
      if (!grid) return { kind: 'run', ...(await post<{ job_id: string }>('/api/v1/training/runs', body)) };
      const promote = model.trim() ? { model_name: model.trim(), policy } : undefined;
      return {
        kind: 'grid',
        ...(await post<{ job_id: string }>('/api/v1/training/grid-searches', {
          ...body,
          grid: gridValues,
          metric,
          promote,
        })),
      };
    },
    [['grids']],
    (r) => navigate(`/training/${r.kind}/${r.job_id}`),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (errors.length === 0) submit.mutate(undefined);
  };
  return (
    <form onSubmit={onSubmit} className="card" aria-label="Submit training">
      <div className="toolbar">
        <label className="check">
          <input type="radio" name="mode" checked={grid} onChange={() => setMode('grid')} /> Grid search
        </label>
        <label className="check">
          <input type="radio" name="mode" checked={!grid} onChange={() => setMode('run')} /> Single run
        </label>
        <span className="muted small">
          {grid
            ? 'Comma-separated values are searched (units: 8, 16); one value is fixed; empty is the default.'
            : 'One value per field; empty is the default.'}
        </span>
      </div>
      <div className="form-grid">
        <label>
          Experiment
          <input value={experiment} onChange={(e) => setExperiment(e.target.value)} />
        </label>
        <label>
          Ticker
          <input
            aria-label="Ticker"
            value={dataset.ticker}
            onChange={(e) => setDataset({ ...dataset, ticker: e.target.value })}
          />
        </label>
        <label>
          Source
          <select value={dataset.source} onChange={(e) => setDataset({ ...dataset, source: e.target.value })}>
            <option value="sample">sample (bundled)</option>
            <option value="yahoo">yahoo</option>
            <option value="csv">csv</option>
          </select>
        </label>
        <label>
          Start date
          <input
            type="date"
            value={dataset.start_date}
            onChange={(e) => setDataset({ ...dataset, start_date: e.target.value })}
          />
        </label>
        <label>
          End date
          <input
            type="date"
            value={dataset.end_date}
            onChange={(e) => setDataset({ ...dataset, end_date: e.target.value })}
          />
        </label>
        {grid && (
          <>
            <label>
              Selection metric
              <select value={metric} onChange={(e) => setMetric(e.target.value)}>
                {METRICS.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </label>
            <label>
              Promote into model (optional)
              <input value={model} placeholder="registered model name" onChange={(e) => setModel(e.target.value)} />
            </label>
            <label>
              Promotion policy
              <select value={policy} onChange={(e) => setPolicy(e.target.value)}>
                <option>if_better</option>
                <option>always</option>
                <option>never</option>
              </select>
            </label>
          </>
        )}
      </div>
      <h3>Hyperparameters</h3>
      <div className="form-grid">
        {checked.map(({ spec, error }) => (
          <label key={spec.name} title={spec.doc}>
            <span>
              {spec.name}{' '}
              <span className="muted small">
                {spec.kind}
                {spec.min || spec.max
                  ? ` ${spec.min ? (spec.min.open ? '(' : '[') + spec.min.value : '(-∞'}, ${spec.max ? spec.max.value + (spec.max.open ? ')' : ']') : '∞)'}`
                  : ''}
                {spec.values ? ` ${spec.values.join('|')}` : ''}
              </span>
            </span>
            <input
              aria-label={spec.name}
              className={error ? 'invalid' : undefined}
              aria-invalid={!!error}
              value={text[spec.name] ?? ''}
              placeholder={defaultText(spec) || 'default'}
              onChange={(e) => setText({ ...text, [spec.name]: e.target.value })}
            />
            {error && <span className="field-error">{error}</span>}
          </label>
        ))}
      </div>
      {errors.length > 0 && (
        <ul className="field-error" data-testid="form-errors">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      <ErrorBox error={submit.error} title="The server refused the job" />
      <div className="toolbar">
        <span className="spacer" />
        {grid && <span className="muted">{candidates} candidates</span>}
        <button type="submit" className="primary" disabled={errors.length > 0 || submit.isPending}>
          {grid ? 'Submit grid search' : 'Train'}
        </button>
      </div>
    </form>
  );
}

export function TrainingView() {
  const [params] = useSearchParams();
  // From a series dataset's page: a search over model families on it (the price form does not apply).
  const seriesDataset = params.get('dataset');
  const specs = useQuery({
    queryKey: ['training-params'],
    queryFn: () => get<{ params: ParamSpec[] }>('/api/v1/training/params'),
    staleTime: Infinity,
  });
  const grids = useQuery({
    queryKey: ['grids'],
    queryFn: () => get<{ grid_searches?: GridSummary[] }>('/api/v1/training/grid-searches', { max_results: 50 }),
    refetchInterval: 5000,
  });
  return (
    <section>
      <h1>Training</h1>
      <ErrorBox error={specs.error} title="Could not load the hyperparameters" />
      {specs.isLoading && <Loading />}
      {seriesDataset ? (
        <SeriesSearchForm dataset={seriesDataset} />
      ) : (
        specs.data && <TrainingForm key={params.get('reset') ?? ''} specs={specs.data.params} />
      )}
      <h2>Grid searches</h2>
      <ErrorBox error={grids.error} />
      <table className="grid-table">
        <thead>
          <tr>
            <th>Job</th>
            <th>State</th>
            <th>Created</th>
            <th>Parent run</th>
            <th>Best run</th>
          </tr>
        </thead>
        <tbody>
          {(grids.data?.grid_searches ?? []).map((g) => (
            <tr key={g.job_id}>
              <td className="mono">
                <Link to={`/training/grid/${g.job_id}`}>{g.job_id}</Link>
              </td>
              <td>{g.state}</td>
              <td>{fmtTime(g.created_at)}</td>
              <td className="mono small">
                {g.parent_run_id && (
                  <Link to={`/experiments/_/runs/${g.parent_run_id}`}>{g.parent_run_id.slice(0, 8)}</Link>
                )}
              </td>
              <td className="mono small">
                {g.best_run_id && <Link to={`/experiments/_/runs/${g.best_run_id}`}>{g.best_run_id.slice(0, 8)}</Link>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
