import { useQuery } from '@tanstack/react-query';
import { FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { post } from '../api/client';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { ExperimentPicker, useExperiments } from '../components/ExperimentPicker';
import { fmtTime } from '../lib/format';
import { durationMs, fmtMs } from '../lib/traces';

export interface TraceInfo {
  trace_id: string;
  trace_location?: { mlflow_experiment?: { experiment_id: string } };
  request_time?: string;
  execution_duration?: string;
  state?: string;
  request_preview?: string;
  response_preview?: string;
  trace_metadata?: Record<string, string>;
  tags?: Record<string, string>;
  assessments?: unknown[];
}

export const V3 = '/ajax-api/3.0/mlflow';

/** MLflow 3 traces (X5 search), newest first, filtered by experiment, state and MLflow's trace filter grammar. */
export function TracesView() {
  const [params, setParams] = useSearchParams();
  const experiment = params.get('experiment') ?? '';
  const state = params.get('state') ?? '';
  const filter = params.get('filter') ?? '';
  const [draft, setDraft] = useState(filter);
  const experiments = useExperiments();
  const ids = experiment ? [experiment] : (experiments.data ?? []).map((x) => x.experiment_id);
  const clauses = [filter.trim(), state ? `status = '${state}'` : ''].filter(Boolean).join(' AND ');
  const traces = useQuery({
    queryKey: ['traces', ids, clauses],
    enabled: ids.length > 0,
    queryFn: () =>
      post<{ traces?: TraceInfo[]; next_page_token?: string }>(`${V3}/traces/search`, {
        locations: ids
          .slice(0, 100)
          .map((id) => ({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: id } })),
        filter: clauses || undefined,
        max_results: 500,
      }),
  });
  const update = (k: string, v: string) => setParams((p) => (v ? p.set(k, v) : p.delete(k), p), { replace: true });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update('filter', draft.trim());
  };
  const list = traces.data?.traces ?? [];
  return (
    <section>
      <h1>Traces</h1>
      <form className="toolbar" onSubmit={submit}>
        <ExperimentPicker value={experiment} onChange={(v) => update('experiment', v)} />
        <label>
          State{' '}
          <select aria-label="State" value={state} onChange={(e) => update('state', e.target.value)}>
            <option value="">any</option>
            <option>OK</option>
            <option>ERROR</option>
            <option>IN_PROGRESS</option>
          </select>
        </label>
        <input
          type="search"
          className="grow"
          aria-label="Trace filter"
          placeholder="filter, e.g. name = 'predict' AND execution_time_ms > 100"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={experiments.error ?? traces.error} title="Could not search traces" />
      {traces.isLoading && <Loading what="traces" />}
      {traces.data && list.length === 0 && <p className="muted">No traces match.</p>}
      {list.length > 0 && (
        <table className="grid-table" data-testid="traces">
          <thead>
            <tr>
              <th>Trace</th>
              <th>Name</th>
              <th>Time</th>
              <th>Duration</th>
              <th>State</th>
              <th>Request</th>
              <th>Response</th>
            </tr>
          </thead>
          <tbody>
            {list.map((t) => (
              <tr key={t.trace_id} data-trace-id={t.trace_id}>
                <td className="mono small">
                  <Link to={`/traces/${encodeURIComponent(t.trace_id)}`}>{t.trace_id.slice(0, 14)}</Link>
                </td>
                <td>{t.tags?.['mlflow.traceName'] ?? ''}</td>
                <td className="small">{t.request_time ? fmtTime(Date.parse(t.request_time)) : ''}</td>
                <td>{fmtMs(durationMs(t.execution_duration))}</td>
                <td>
                  <span className={`status status-${(t.state ?? '').toLowerCase()}`}>{t.state}</span>
                </td>
                <td className="mono small clip">{t.request_preview}</td>
                <td className="mono small clip">{t.response_preview}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {traces.data?.next_page_token && <p className="muted small">Showing the newest 500: narrow the filter.</p>}
    </section>
  );
}
