import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { del, get } from '../api/client';
import { useAction } from '../api/hooks';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { fmtNum } from '../lib/format';

const FINAL = ['completed', 'failed', 'cancelled'];

interface Candidate {
  job_id: string;
  state: string;
  progress?: number;
  params?: Record<string, unknown>;
  metrics?: Record<string, number>;
  run_id?: string;
  error?: string;
}
interface JobStatus extends Candidate {
  parent_run_id?: string;
  metric?: string;
  best_run_id?: string;
  best_value?: number;
  promotion?: Record<string, unknown>;
  candidates?: Candidate[];
}

function Progress({ value }: { value?: number }) {
  const pct = Math.round((value ?? 0) * 100);
  return (
    <div className="progress" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
      <div style={{ width: `${pct}%` }} />
    </div>
  );
}

/** A grid's status pushed by the server (SSE `status` events); a single run's status polled. */
function useJobStatus(kind: string, jobId: string) {
  const base = kind === 'grid' ? `/api/v1/training/grid-searches/${jobId}` : `/api/v1/training/runs/${jobId}`;
  const qc = useQueryClient();
  const key = ['job', kind, jobId];
  const status = useQuery({
    queryKey: key,
    queryFn: () => get<JobStatus>(base),
    refetchInterval: (q) => (kind === 'grid' || FINAL.includes(q.state.data?.state ?? '') ? false : 1000),
  });
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (kind !== 'grid') return;
    const source = new EventSource(`${base}/events`);
    source.onopen = () => setLive(true);
    source.addEventListener('status', (e) => {
      const data = JSON.parse((e as MessageEvent).data) as JobStatus;
      qc.setQueryData(key, data);
      if (FINAL.includes(data.state)) source.close();
    });
    source.onerror = () => {
      setLive(false);
      source.close();
      void qc.invalidateQueries({ queryKey: key });
    };
    return () => source.close();
  }, [kind, jobId]);
  return { status, base, live };
}

/** The grid's promotion decision in words, with the model it concerns. */
function Promotion({ p }: { p: Record<string, unknown> }) {
  const model = String(p.model_name ?? '');
  return (
    <p data-testid="promotion">
      Promotion into <Link to={`/models/${encodeURIComponent(model)}`}>{model}</Link>:{' '}
      <strong>{p.promoted ? `promoted as version ${p.new_version}` : 'not promoted'}</strong>
      {p.reason ? ` (${String(p.reason)})` : ''}; candidate {fmtNum(p.candidate_score as number)}, champion{' '}
      {p.champion_version ? `v${p.champion_version} ${fmtNum(p.champion_score as number)}` : 'none'}.
    </p>
  );
}

export function TrainingJobView() {
  const { kind = 'grid', jobId = '' } = useParams();
  const { status, base, live } = useJobStatus(kind, jobId);
  const cancel = useAction(() => del(base), [['job', kind, jobId], ['grids']]);
  const s = status.data;
  const final = s && FINAL.includes(s.state);
  return (
    <section>
      <div className="crumbs">
        <Link to="/training">Training</Link> / <strong className="mono">{jobId}</strong>
      </div>
      <ErrorBox error={status.error} title="Could not load the job" />
      {status.isLoading && <Loading />}
      {s && (
        <>
          <h1>
            {kind === 'grid' ? 'Grid search' : 'Training run'} <span data-testid="job-state">{s.state}</span>
          </h1>
          <div className="toolbar">
            <Progress value={final ? 1 : s.progress} />
            <span>{Math.round((final ? 1 : (s.progress ?? 0)) * 100)}%</span>
            {kind === 'grid' && (
              <span className="muted small">{live ? 'live (server-sent events)' : final ? '' : 'reconnecting…'}</span>
            )}
            <span className="spacer" />
            {s.parent_run_id && <Link to={`/experiments/_/runs/${s.parent_run_id}`}>parent run</Link>}
            {s.run_id && <Link to={`/experiments/_/runs/${s.run_id}`}>run</Link>}
            {!final && (
              <button className="danger" disabled={cancel.isPending} onClick={() => cancel.mutate(undefined)}>
                Cancel
              </button>
            )}
          </div>
          <ErrorBox error={cancel.error} title="Cancel failed" />
          {s.error && <div className="error">{s.error}</div>}
          {s.best_run_id && (
            <p>
              Best run by {s.metric}:{' '}
              <Link to={`/experiments/_/runs/${s.best_run_id}`}>{s.best_run_id.slice(0, 8)}</Link> (
              {fmtNum(s.best_value)})
            </p>
          )}
          {s.promotion && <Promotion p={s.promotion} />}
          {s.metrics && (
            <table className="grid-table">
              <tbody>
                {Object.entries(s.metrics).map(([k, v]) => (
                  <tr key={k}>
                    <th className="mono">{k}</th>
                    <td>{fmtNum(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {s.candidates && (
            <table className="grid-table" data-testid="candidates">
              <thead>
                <tr>
                  <th>Candidate</th>
                  <th>State</th>
                  <th>Progress</th>
                  <th>Params</th>
                  <th>{s.metric ?? 'metric'}</th>
                  <th>Run</th>
                </tr>
              </thead>
              <tbody>
                {s.candidates.map((c, i) => (
                  <tr key={c.job_id} className={c.run_id && c.run_id === s.best_run_id ? 'champion-row' : undefined}>
                    <td>{i + 1}</td>
                    <td>{c.state}</td>
                    <td>
                      <Progress value={c.progress} />
                    </td>
                    <td className="mono small">
                      {Object.entries(c.params ?? {})
                        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
                        .join(' ')}
                    </td>
                    <td>{fmtNum(c.metrics?.[s.metric ?? ''])}</td>
                    <td className="mono small">
                      {c.run_id && <Link to={`/experiments/_/runs/${c.run_id}`}>{c.run_id.slice(0, 8)}</Link>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
