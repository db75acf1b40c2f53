import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ML, del, get, post } from '../api/client';
import { PromoteDialog } from '../components/PromoteDialog';
import { useAction } from '../api/hooks';
import { useMe } from '../api/me';
import { canModel } from '../lib/permissions';
import type { ModelVersion, RegisteredModel } from '../api/types';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { fmtTime } from '../lib/format';
import { Markdown } from '../components/Markdown';

export function ModelView() {
  const { name = '' } = useParams();
  const model = useQuery({
    queryKey: ['model', name],
    queryFn: () => get<{ registered_model: RegisteredModel }>(`${ML}/registered-models/get`, { name }),
  });
  const versions = useQuery({
    queryKey: ['versions', name],
    queryFn: () =>
      get<{ model_versions?: ModelVersion[] }>(`${ML}/model-versions/search`, {
        filter: `name = '${name.replace(/'/g, "\\'")}'`,
        max_results: 1000,
        order_by: ['version_number DESC'],
      }),
  });
  const me = useMe();
  const [candidate, setCandidate] = useState<{ version?: string; runId?: string }>();
  const [alias, setAlias] = useState<{ alias: string; version: string }>({ alias: '', version: '' });
  const refresh = [
    ['model', name],
    ['versions', name],
  ];
  const setAliasAction = useAction(
    (a: { alias: string; version: string }) =>
      post(`${ML}/registered-models/alias`, { name, alias: a.alias, version: a.version }),
    refresh,
    () => setAlias({ alias: '', version: '' }),
  );
  const deleteAlias = useAction(
    (a: string) => del(`${ML}/registered-models/alias`, undefined, { name, alias: a }),
    refresh,
  );
  const m = model.data?.registered_model;
  const list = versions.data?.model_versions ?? [];
  const champion = list.find((v) => (v.aliases ?? []).includes('champion'));
  // Whether serving can answer for the champion, and with which runtime (tsflow forecaster or ONNX).
  const serving = useQuery({
    queryKey: ['champion-status', name, champion?.version],
    enabled: !!champion,
    queryFn: () =>
      get<{ champion?: { runtime?: string | null; servable?: boolean; reason?: string } }>(
        `/api/v1/models/${encodeURIComponent(name)}/champion`,
      ),
  });
  const status = serving.data?.champion;
  return (
    <section>
      <div className="crumbs">
        <Link to="/models">Models</Link> / <strong>{name}</strong>
      </div>
      <ErrorBox error={model.error ?? versions.error} title="Could not load the model" />
      {model.isLoading && <Loading />}
      {m && (
        <>
          <h1>{m.name}</h1>
          {m.description && <Markdown text={m.description} />}
          <div className="toolbar">
            {champion ? (
              <span className="pill champion" data-testid="champion">
                champion: v{champion.version}
              </span>
            ) : (
              <span className="muted">No champion.</span>
            )}
            {status?.servable === false && (
              <span className="pill" data-testid="champion-serving" title={status.reason}>
                not servable: {status.reason}
              </span>
            )}
            {status?.servable !== false && status?.runtime && (
              <span className="pill" data-testid="champion-serving">
                served by {status.runtime}
              </span>
            )}
            {champion && <Link to={`/forecasts/${encodeURIComponent(name)}`}>Forecast with the champion</Link>}
            {(m.tags ?? []).map((t) => (
              <span key={t.key} className="pill">
                {t.key}={t.value}
              </span>
            ))}
          </div>
          <h2>Aliases</h2>
          <div className="toolbar">
            {(m.aliases ?? []).map((a) => (
              <span key={a.alias} className={`pill${a.alias === 'champion' ? ' champion' : ''}`}>
                @{a.alias} → v{a.version}{' '}
                {canModel(me.data, name, a.alias === 'champion' ? 'manage' : 'update') && (
                  <button
                    className="link"
                    aria-label={`Remove alias ${a.alias}`}
                    onClick={() => deleteAlias.mutate(a.alias)}
                  >
                    ×
                  </button>
                )}
              </span>
            ))}
            {canModel(me.data, name, 'update') && (
              <form
                className="inline"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (alias.alias && alias.version) setAliasAction.mutate(alias);
                }}
              >
                <input
                  aria-label="Alias"
                  placeholder="alias"
                  value={alias.alias}
                  onChange={(e) => setAlias({ ...alias, alias: e.target.value })}
                />
                <input
                  aria-label="Version"
                  placeholder="version"
                  size={5}
                  value={alias.version}
                  onChange={(e) => setAlias({ ...alias, version: e.target.value })}
                />
                <button type="submit">Set alias</button>
              </form>
            )}
          </div>
          <ErrorBox error={setAliasAction.error ?? deleteAlias.error} />
          <h2>Versions</h2>
          <table className="grid-table" data-testid="versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Aliases</th>
                <th>Run</th>
                <th>Created</th>
                <th>Status</th>
                <th>Tags</th>
                <th>Description</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((v) => {
                const isChampion = (v.aliases ?? []).includes('champion');
                return (
                  <tr key={v.version} className={isChampion ? 'champion-row' : undefined} data-version={v.version}>
                    <td>v{v.version}</td>
                    <td>
                      {(v.aliases ?? []).map((a) => (
                        <span key={a} className={`pill${a === 'champion' ? ' champion' : ''}`}>
                          @{a}
                        </span>
                      ))}
                    </td>
                    <td className="mono small">{v.run_id ? <RunLink runId={v.run_id} /> : '—'}</td>
                    <td>{fmtTime(v.creation_timestamp)}</td>
                    <td>{v.status}</td>
                    <td className="small">{(v.tags ?? []).map((t) => `${t.key}=${t.value}`).join(', ')}</td>
                    <td className="small">
                      {v.description ? <Markdown text={v.description} className="compact" /> : ''}
                    </td>
                    <td>
                      {!isChampion && canModel(me.data, name, 'manage') && (
                        <button onClick={() => setCandidate({ version: v.version, runId: v.run_id })}>
                          Promote to champion
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {versions.data && list.length === 0 && <p className="muted">No versions.</p>}
        </>
      )}
      {candidate && (
        <PromoteDialog model={name} candidate={candidate} champion={champion} onClose={() => setCandidate(undefined)} />
      )}
    </section>
  );
}

function RunLink({ runId }: { runId: string }) {
  // The run page finds the experiment from the run itself.
  return <Link to={`/experiments/_/runs/${runId}`}>{runId.slice(0, 8)}</Link>;
}
