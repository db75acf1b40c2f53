import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ML, get } from '../api/client';
import { useMe } from '../api/me';
import { canModel } from '../lib/permissions';
import { fullHistory } from '../api/history';
import type { LoggedModel, ModelVersion, Run } from '../api/types';
import { ArtifactBrowser } from '../components/ArtifactBrowser';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { KeyValueTable } from '../components/KeyValueTable';
import { LazyMount } from '../components/LazyMount';
import { PromoteDialog } from '../components/PromoteDialog';
import { ChartControls, ChartOptions, MetricCard } from '../components/MetricCard';
import { fmtDuration, fmtNum, fmtTime, kv } from '../lib/format';
import { toHistory } from '../lib/series';

const TABS = ['overview', 'charts', 'inputs', 'artifacts', 'models'] as const;

function HistoryChart({ runId, metric, options }: { runId: string; metric: string; options: ChartOptions }) {
  const history = useQuery({
    queryKey: ['history', runId, metric],
    queryFn: async () => toHistory(await fullHistory(runId, metric)),
  });
  if (history.error) return <ErrorBox error={history.error} title={`Could not load ${metric}`} />;
  if (!history.data) return <Loading what={metric} />;
  if (history.data.value.length <= 1) {
    const h = history.data;
    const m = h.value.length ? { value: h.value[0], step: h.step[0] } : undefined;
    return (
      <div className="card metric-card" data-metric={metric}>
        <h3>{metric}</h3>
        <p className="single-value">{m ? fmtNum(m.value) : '–'}</p>
        <p className="muted small">one value{m ? ` (step ${m.step})` : ''}: nothing to plot</p>
      </div>
    );
  }
  return <MetricCard title={metric} runs={[{ id: runId, label: metric, points: history.data }]} options={options} />;
}

function Charts({ run }: { run: Run }) {
  const [options, setOptions] = useState<ChartOptions>({ axis: 'step', smoothing: 0, logY: false });
  const [q, setQ] = useState('');
  const keys = (run.data.metrics ?? []).map((m) => m.key).sort();
  const shown = keys.filter((k) => k.toLowerCase().includes(q.toLowerCase()));
  if (keys.length === 0) return <p className="muted">No metrics logged.</p>;
  return (
    <>
      <div className="toolbar">
        <input
          type="search"
          placeholder="Filter charts"
          aria-label="Filter charts"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <ChartControls value={options} onChange={setOptions} />
      </div>
      <div className="chart-grid">
        {shown.map((k) => (
          <LazyMount key={k} height={270}>
            <HistoryChart runId={run.info.run_id} metric={k} options={options} />
          </LazyMount>
        ))}
      </div>
    </>
  );
}

function Inputs({ run }: { run: Run }) {
  const datasets = run.inputs?.dataset_inputs ?? [];
  const inModels = run.inputs?.model_inputs ?? [];
  const outModels = run.outputs?.model_outputs ?? [];
  return (
    <div className="cols">
      <div>
        <h3>Datasets</h3>
        {datasets.length === 0 && <p className="muted">No datasets logged.</p>}
        {datasets.map((d, i) => (
          <div className="card" key={i}>
            <strong>{d.dataset.name}</strong> <span className="mono small">{d.dataset.digest}</span>
            <div className="small">
              {(d.tags ?? []).map((t) => (
                <span key={t.key} className="pill">
                  {t.key}={t.value}
                </span>
              ))}
            </div>
            <div className="small muted">
              {d.dataset.source_type} {d.dataset.source}
            </div>
            {d.dataset.profile && <pre className="small">{d.dataset.profile}</pre>}
          </div>
        ))}
      </div>
      <div>
        <h3>Model inputs</h3>
        {inModels.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          inModels.map((m) => (
            <div key={m.model_id} className="mono">
              {m.model_id}
            </div>
          ))
        )}
        <h3>Model outputs</h3>
        {outModels.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          outModels.map((m) => (
            <div key={m.model_id} className="mono">
              {m.model_id} <span className="muted">step {m.step}</span>
            </div>
          ))
        )}
      </div>
    </div>
  );
}

function LoggedModelCard({ id }: { id: string }) {
  const m = useQuery({
    queryKey: ['logged-model', id],
    queryFn: () => get<{ model: LoggedModel }>(`${ML}/logged-models/${id}`),
  });
  if (m.error) return <ErrorBox error={m.error} />;
  const info = m.data?.model.info;
  if (!info) return <Loading />;
  return (
    <div className="card">
      <strong>{info.name}</strong> <span className="mono small">{info.model_id}</span>{' '}
      <span className="pill">{info.status}</span>
      <div className="small muted">{info.artifact_uri}</div>
    </div>
  );
}

/** Promotion of a run: the dialog needs the model's current champion, if any. */
function PromoteRun({ model, runId, onClose }: { model: string; runId: string; onClose: () => void }) {
  const champ = useQuery({
    queryKey: ['champion', model],
    queryFn: () =>
      get<{ champion?: { version: string; run_id?: string } }>(
        `/api/v1/models/${encodeURIComponent(model)}/champion`,
      ).catch(() => ({ champion: undefined })),
  });
  if (champ.isLoading) return <Loading />;
  const c = champ.data?.champion;
  return (
    <PromoteDialog
      model={model}
      candidate={{ runId }}
      champion={c ? { name: model, version: c.version, run_id: c.run_id } : undefined}
      onClose={onClose}
    />
  );
}

function Models({ run }: { run: Run }) {
  const tags = kv(run.data.tags);
  const versions = useQuery({
    queryKey: ['versions-of-run', run.info.run_id],
    queryFn: () =>
      get<{ model_versions?: ModelVersion[] }>(`${ML}/model-versions/search`, {
        filter: `run_id = '${run.info.run_id}'`,
      }),
  });
  const [target, setTarget] = useState(tags['tsflow.model_name'] ?? '');
  const [promoting, setPromoting] = useState(false);
  const me = useMe();
  const logged = [...new Set([...(run.outputs?.model_outputs ?? []).map((m) => m.model_id)])];
  const history = tags['mlflow.log-model.history'];
  return (
    <div className="cols">
      <div>
        <h3>Logged models</h3>
        {logged.length === 0 && !history && <p className="muted">No logged model.</p>}
        {logged.map((id) => (
          <LoggedModelCard key={id} id={id} />
        ))}
        {history && <pre className="small">{prettyList(history)}</pre>}
        {canModel(me.data, target.trim() || undefined, 'manage') && (
          <>
            <h3>Promote this run</h3>
            <form
              className="inline"
              onSubmit={(e) => {
                e.preventDefault();
                if (target.trim()) setPromoting(true);
              }}
            >
              <input
                aria-label="Registered model name"
                placeholder="registered model name"
                value={target}
                onChange={(e) => setTarget(e.target.value)}
              />
              <button type="submit" disabled={!target.trim() || run.info.status !== 'FINISHED'}>
                Promote to champion…
              </button>
            </form>
          </>
        )}
        {promoting && <PromoteRun model={target.trim()} runId={run.info.run_id} onClose={() => setPromoting(false)} />}
      </div>
      <div>
        <h3>Registrations</h3>
        <ErrorBox error={versions.error} />
        {versions.data && (versions.data.model_versions ?? []).length === 0 && <p className="muted">Not registered.</p>}
        <ul>
          {(versions.data?.model_versions ?? []).map((v) => (
            <li key={`${v.name}/${v.version}`}>
              <Link to={`/models/${encodeURIComponent(v.name)}`}>
                {v.name} v{v.version}
              </Link>{' '}
              {(v.aliases ?? []).map((a) => (
                <span key={a} className={`pill${a === 'champion' ? ' champion' : ''}`}>
                  @{a}
                </span>
              ))}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function prettyList(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function RunView() {
  const { runId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = (params.get('tab') as (typeof TABS)[number] | null) ?? 'overview';
  const run = useQuery({
    queryKey: ['run', runId],
    queryFn: () => get<{ run: Run }>(`${ML}/runs/get`, { run_id: runId }),
  });
  const r = run.data?.run;
  const tags = kv(r?.data.tags);
  const parent = tags['mlflow.parentRunId'];
  const experimentId = r?.info.experiment_id ?? '';
  return (
    <section>
      <div className="crumbs">
        <Link to="/experiments">Experiments</Link> / <Link to={`/experiments/${experimentId}`}>{experimentId}</Link> /{' '}
        <strong>{r?.info.run_name ?? runId}</strong>
      </div>
      <ErrorBox error={run.error} title="Could not load the run" />
      {run.isLoading && <Loading />}
      {r && (
        <>
          <div className="run-header">
            <h1>{r.info.run_name}</h1>
            <span className={`status status-${r.info.status.toLowerCase()}`}>{r.info.status}</span>
            <span className="mono small">{r.info.run_id}</span>
            <span className="muted small">
              {fmtTime(r.info.start_time)} · {fmtDuration(r.info.start_time, r.info.end_time)}
              {r.info.user_id ? ` · ${r.info.user_id}` : ''}
            </span>
            {parent && (
              <Link to={`/experiments/${experimentId}/runs/${parent}`} className="small">
                parent run
              </Link>
            )}
            <Link to={`/compare?runs=${r.info.run_id}`} className="small">
              compare
            </Link>
          </div>
          <nav className="tabs" role="tablist">
            {TABS.map((t) => (
              <button key={t} role="tab" aria-selected={tab === t} onClick={() => setParams({ tab: t })}>
                {t}
              </button>
            ))}
          </nav>
          {tab === 'overview' && (r.data.metrics ?? []).length > 0 && (
            <section aria-label="Metric charts" data-testid="overview-charts">
              <Charts run={r} />
            </section>
          )}
          {tab === 'overview' && (
            <div className="cols">
              <KeyValueTable
                title="Metrics (latest)"
                rows={(r.data.metrics ?? []).map((m) => ({
                  key: m.key,
                  value: fmtNum(m.value),
                  extra: `step ${m.step}`,
                }))}
              />
              <KeyValueTable
                title="Parameters"
                rows={(r.data.params ?? []).map((p) => ({ key: p.key, value: p.value }))}
              />
              <KeyValueTable title="Tags" rows={(r.data.tags ?? []).map((t) => ({ key: t.key, value: t.value }))} />
            </div>
          )}
          {tab === 'charts' && <Charts run={r} />}
          {tab === 'inputs' && <Inputs run={r} />}
          {tab === 'artifacts' && <ArtifactBrowser runId={r.info.run_id} />}
          {tab === 'models' && <Models run={r} />}
        </>
      )}
    </section>
  );
}
