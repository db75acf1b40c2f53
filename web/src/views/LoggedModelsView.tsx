import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { get, ML, post } from '../api/client';
import type { LoggedModel } from '../api/types';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { ExperimentPicker, useExperiments } from '../components/ExperimentPicker';
import { KeyValueTable } from '../components/KeyValueTable';
import { fmtNum, fmtTime } from '../lib/format';

/** MLflow 3 logged models of one experiment (or all), newest first. */
export function LoggedModelsView() {
  const [params, setParams] = useSearchParams();
  const experiment = params.get('experiment') ?? '';
  const experiments = useExperiments();
  const ids = experiment ? [experiment] : (experiments.data ?? []).map((x) => x.experiment_id);
  const models = useQuery({
    queryKey: ['logged-models', ids],
    enabled: ids.length > 0,
    queryFn: () =>
      post<{ models?: LoggedModel[]; next_page_token?: string }>(`${ML}/logged-models/search`, {
        experiment_ids: ids.slice(0, 100),
        max_results: 100,
      }),
  });
  const list = models.data?.models ?? [];
  return (
    <section>
      <h1>Logged models</h1>
      <div className="toolbar">
        <ExperimentPicker
          value={experiment}
          onChange={(v) => setParams((p) => (v ? p.set('experiment', v) : p.delete('experiment'), p))}
        />
      </div>
      <ErrorBox error={experiments.error ?? models.error} title="Could not search logged models" />
      {models.isLoading && <Loading what="logged models" />}
      {models.data && list.length === 0 && <p className="muted">No logged models.</p>}
      {list.length > 0 && (
        <table className="grid-table" data-testid="logged-models">
          <thead>
            <tr>
              <th>Name</th>
              <th>Model id</th>
              <th>Status</th>
              <th>Created</th>
              <th>Source run</th>
              <th>Metrics</th>
            </tr>
          </thead>
          <tbody>
            {list.map((m) => (
              <tr key={m.info.model_id} data-model-id={m.info.model_id}>
                <td>
                  <Link to={`/logged-models/${encodeURIComponent(m.info.model_id)}`}>
                    {m.info.name ?? m.info.model_id}
                  </Link>
                </td>
                <td className="mono small">{m.info.model_id}</td>
                <td>{(m.info.status ?? '').replace('LOGGED_MODEL_', '')}</td>
                <td className="small">{fmtTime(m.info.creation_timestamp_ms)}</td>
                <td className="mono small">
                  {m.info.source_run_id && m.info.experiment_id ? (
                    <Link to={`/experiments/${m.info.experiment_id}/runs/${m.info.source_run_id}`}>
                      {m.info.source_run_id.slice(0, 8)}
                    </Link>
                  ) : (
                    ''
                  )}
                </td>
                <td className="small">
                  {(m.data?.metrics ?? [])
                    .slice(0, 3)
                    .map((x) => `${x.key}=${fmtNum(Number(x.value))}`)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Registrations: MLflow's `mlflow.modelVersions` tag (JSON list), else the info's registrations. */
function registrations(m: LoggedModel): { name: string; version: string }[] {
  const tag = m.info.tags?.find((t) => t.key === 'mlflow.modelVersions')?.value;
  try {
    const parsed = tag ? (JSON.parse(tag) as { name: string; version: string | number }[]) : [];
    if (parsed.length) return parsed.map((r) => ({ name: r.name, version: String(r.version) }));
  } catch {
    // An unreadable tag: fall back to the info.
  }
  return m.info.registrations ?? [];
}

export function LoggedModelView() {
  const { modelId = '' } = useParams();
  const model = useQuery({
    queryKey: ['logged-model', modelId],
    queryFn: () => get<{ model: LoggedModel }>(`${ML}/logged-models/${encodeURIComponent(modelId)}`),
  });
  const m = model.data?.model;
  const runs = [
    ...new Set(
      [m?.info.source_run_id, ...(m?.data?.metrics ?? []).map((x) => (x as { run_id?: string }).run_id)].filter(
        (x): x is string => !!x,
      ),
    ),
  ];
  return (
    <section>
      <div className="crumbs">
        <Link to={`/logged-models${m?.info.experiment_id ? `?experiment=${m.info.experiment_id}` : ''}`}>
          Logged models
        </Link>{' '}
        / <strong>{m?.info.name ?? modelId}</strong>
      </div>
      <ErrorBox error={model.error} title="Could not load the logged model" />
      {model.isLoading && <Loading />}
      {m && (
        <>
          <div className="run-header">
            <h1>{m.info.name}</h1>
            <span className="pill">{(m.info.status ?? '').replace('LOGGED_MODEL_', '')}</span>
            <span className="mono small">{m.info.model_id}</span>
            <span className="muted small">{fmtTime(m.info.creation_timestamp_ms)}</span>
          </div>
          <div className="cols">
            <KeyValueTable
              title="Metrics"
              rows={(m.data?.metrics ?? []).map((x) => ({
                key: x.key,
                value: fmtNum(Number(x.value)),
                extra: [`step ${x.step}`, (x as { dataset_name?: string }).dataset_name].filter(Boolean).join(' · '),
              }))}
            />
            <KeyValueTable
              title="Parameters"
              rows={(m.data?.params ?? []).map((p) => ({ key: p.key, value: p.value }))}
            />
            <KeyValueTable
              title="Tags"
              rows={(m.info.tags ?? [])
                .filter((t) => t.key !== 'mlflow.modelVersions')
                .map((t) => ({ key: t.key, value: t.value }))}
            />
          </div>
          <div className="cols">
            <div className="kv" data-testid="linked-runs">
              <h3>Linked runs</h3>
              {runs.length === 0 && <p className="muted">None.</p>}
              <ul>
                {runs.map((r) => (
                  <li key={r} className="mono small">
                    <Link to={`/experiments/${m.info.experiment_id ?? '_'}/runs/${r}`}>{r}</Link>
                    {r === m.info.source_run_id ? ' (source)' : ''}
                  </li>
                ))}
              </ul>
            </div>
            <div className="kv" data-testid="registrations">
              <h3>Registrations</h3>
              {registrations(m).length === 0 && <p className="muted">Not registered.</p>}
              <ul>
                {registrations(m).map((r) => (
                  <li key={`${r.name}:${r.version}`}>
                    <Link to={`/models/${encodeURIComponent(r.name)}`}>
                      {r.name} v{r.version}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
            <div className="kv">
              <h3>Artifacts</h3>
              <p className="mono small">{m.info.artifact_uri}</p>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
