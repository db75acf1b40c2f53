import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { get, post } from '../api/client';
import { useAction } from '../api/hooks';
import { useMe } from '../api/me';
import { EChart, EChartOption } from '../components/EChart';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { KeyValueTable } from '../components/KeyValueTable';
import { fmtNum, fmtTime } from '../lib/format';
import { canModel } from '../lib/permissions';

interface Check {
  check_id: string;
  trigger: string;
  status: string;
  as_of: string | null;
  decision: string | null;
  reasons: string[];
  error: string | null;
  retrain_job_id: string | null;
  started_at: number;
  finished_at: number | null;
  report: {
    scoring?: { live_skill: number | null; live_mae: number | null; naive_mae: number | null };
    drift?: { returns?: { psi: number; ks: number }; volume?: { psi: number; ks: number } };
  } | null;
}

interface Monitor {
  monitor_id: string;
  name: string;
  model_name: string;
  dataset: { ticker: string; source: string };
  schedule: { cron: string; timezone: string };
  thresholds: Record<string, number | null>;
  paused: boolean;
  state: Record<string, string | number | null>;
  last_check_at: number | null;
  next_check_at: number | null;
  last_check?: Check | null;
  checks?: Check[];
}

const BASE = '/api/v1/monitors';

export function MonitorsView() {
  const monitors = useQuery({ queryKey: ['monitors'], queryFn: () => get<{ monitors?: Monitor[] }>(BASE) });
  const list = monitors.data?.monitors ?? [];
  return (
    <section>
      <h1>Monitors</h1>
      <ErrorBox error={monitors.error} title="Could not load the monitors" />
      {monitors.isLoading && <Loading what="monitors" />}
      {monitors.data && list.length === 0 && (
        <p className="muted">No monitors. Create one with POST /api/v1/monitors (see the API docs).</p>
      )}
      {list.length > 0 && (
        <table className="grid-table" data-testid="monitors">
          <thead>
            <tr>
              <th>Monitor</th>
              <th>Model</th>
              <th>Data</th>
              <th>Schedule</th>
              <th>State</th>
              <th>Champion</th>
              <th>Last check</th>
              <th>Next check</th>
            </tr>
          </thead>
          <tbody>
            {list.map((m) => (
              <tr key={m.monitor_id}>
                <td>
                  <Link to={`/monitors/${encodeURIComponent(m.monitor_id)}`}>{m.name}</Link>
                </td>
                <td>
                  <Link to={`/models/${encodeURIComponent(m.model_name)}`}>{m.model_name}</Link>
                </td>
                <td>
                  {m.dataset.ticker} <span className="muted small">({m.dataset.source})</span>
                </td>
                <td className="mono small">{m.schedule.cron}</td>
                <td>
                  {m.paused ? <span className="pill">paused</span> : <span className="pill champion">active</span>}
                </td>
                <td>{m.state.champion_version ? `v${m.state.champion_version}` : '—'}</td>
                <td className="small">{fmtTime(m.last_check_at ?? undefined)}</td>
                <td className="small">{fmtTime(m.next_check_at ?? undefined)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Live skill and drift of each succeeded check, oldest first (the API lists newest first). */
function History({ checks }: { checks: Check[] }) {
  const option = useMemo<EChartOption>(() => {
    const done = checks.filter((c) => c.status === 'succeeded' && c.report).reverse();
    const x = done.map((c) => c.as_of ?? fmtTime(c.started_at));
    const line = (name: string, pick: (c: Check) => number | null | undefined, yAxisIndex = 0) => ({
      name,
      type: 'line',
      yAxisIndex,
      showSymbol: true,
      data: done.map((c) => pick(c) ?? null),
    });
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 60, right: 60, top: 36, bottom: 40 },
      xAxis: { type: 'category', data: x },
      yAxis: [
        { type: 'value', name: 'skill', scale: true },
        { type: 'value', name: 'drift', scale: true },
      ],
      series: [
        line('live skill', (c) => c.report?.scoring?.live_skill),
        line('returns PSI', (c) => c.report?.drift?.returns?.psi, 1),
        line('volume PSI', (c) => c.report?.drift?.volume?.psi, 1),
        line('returns KS', (c) => c.report?.drift?.returns?.ks, 1),
      ],
    };
  }, [checks]);
  return <EChart option={option} height={280} />;
}

export function MonitorView() {
  const { monitorId = '' } = useParams();
  const key = ['monitor', monitorId];
  const monitor = useQuery({
    queryKey: key,
    queryFn: () => get<{ monitor: Monitor }>(`${BASE}/${encodeURIComponent(monitorId)}`, { max_checks: 200 }),
  });
  const me = useMe();
  const m = monitor.data?.monitor;
  const check = useAction(() => post(`${BASE}/${encodeURIComponent(monitorId)}/check`, {}), [key]);
  const checks = m?.checks ?? [];
  const retrains = checks.filter((c) => c.retrain_job_id);
  return (
    <section>
      <div className="crumbs">
        <Link to="/monitors">Monitors</Link> / <strong>{m?.name ?? monitorId}</strong>
      </div>
      <ErrorBox error={monitor.error} title="Could not load the monitor" />
      {monitor.isLoading && <Loading />}
      {m && (
        <>
          <div className="run-header">
            <h1>{m.name}</h1>
            {m.paused ? <span className="pill">paused</span> : <span className="pill champion">active</span>}
            <span className="small">
              model <Link to={`/models/${encodeURIComponent(m.model_name)}`}>{m.model_name}</Link> · data{' '}
              {m.dataset.ticker} · <span className="mono">{m.schedule.cron}</span> ({m.schedule.timezone})
            </span>
            {canModel(me.data, m.model_name, 'manage') && (
              <button disabled={check.isPending} onClick={() => check.mutate(undefined)}>
                {check.isPending ? 'Checking…' : 'Check now'}
              </button>
            )}
          </div>
          <ErrorBox error={check.error} title="The check failed" />
          <div className="card">
            <h3>Live skill and drift over time</h3>
            {checks.some((c) => c.report) ? (
              <History checks={checks} />
            ) : (
              <p className="muted">No check has scored yet.</p>
            )}
          </div>
          <div className="cols">
            <KeyValueTable
              title="State"
              rows={Object.entries(m.state).map(([k, v]) => ({ key: k, value: v === null ? '—' : String(v) }))}
            />
            <KeyValueTable
              title="Thresholds"
              rows={Object.entries(m.thresholds).map(([k, v]) => ({ key: k, value: v === null ? '—' : String(v) }))}
            />
          </div>
          <h2>Checks</h2>
          <table className="grid-table" data-testid="checks">
            <thead>
              <tr>
                <th>Started</th>
                <th>Trigger</th>
                <th>Status</th>
                <th>As of</th>
                <th>Live skill</th>
                <th>Decision</th>
                <th>Reasons</th>
              </tr>
            </thead>
            <tbody>
              {checks.map((c) => (
                <tr key={c.check_id}>
                  <td className="small">{fmtTime(c.started_at)}</td>
                  <td>{c.trigger}</td>
                  <td>
                    <span className={`status status-${c.status === 'succeeded' ? 'finished' : c.status}`}>
                      {c.status}
                    </span>
                  </td>
                  <td>{c.as_of}</td>
                  <td>{fmtNum(c.report?.scoring?.live_skill)}</td>
                  <td>{c.decision}</td>
                  <td className="small">{c.error ?? c.reasons.join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {checks.length === 0 && <p className="muted">No checks yet.</p>}
          <h2>Retrains</h2>
          {retrains.length === 0 && <p className="muted">No retrain was started.</p>}
          <ul>
            {retrains.map((c) => (
              <li key={c.check_id}>
                {c.as_of}:{' '}
                <Link to={`/training/grid/${encodeURIComponent(c.retrain_job_id!)}`}>job {c.retrain_job_id}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
