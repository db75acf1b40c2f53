import { useQuery } from '@tanstack/react-query';
import { FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ML, post } from '../api/client';
import { useAction } from '../api/hooks';
import { useMe } from '../api/me';
import { canExperiment } from '../lib/permissions';
import type { Experiment } from '../api/types';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { fmtTime } from '../lib/format';

type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export function ExperimentsView() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const view = (params.get('view') as ViewType | null) ?? 'ACTIVE_ONLY';
  const filter = search ? `name LIKE '%${search.replace(/'/g, "\\'")}%'` : undefined;
  const experiments = useQuery({
    queryKey: ['experiments', filter, view],
    queryFn: () =>
      post<{ experiments?: Experiment[] }>(`${ML}/experiments/search`, {
        filter,
        view_type: view,
        max_results: 1000,
        order_by: ['last_update_time DESC'],
      }),
  });
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: k === 'q' });
  };
  const [name, setName] = useState('');
  const refresh = [['experiments']];
  const create = useAction(
    (n: string) => post(`${ML}/experiments/create`, { name: n }),
    refresh,
    () => setName(''),
  );
  const rename = useAction(
    (a: { id: string; name: string }) => post(`${ML}/experiments/update`, { experiment_id: a.id, new_name: a.name }),
    refresh,
  );
  const remove = useAction((id: string) => post(`${ML}/experiments/delete`, { experiment_id: id }), refresh);
  const restore = useAction((id: string) => post(`${ML}/experiments/restore`, { experiment_id: id }), refresh);
  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) create.mutate(name.trim());
  };
  const list = experiments.data?.experiments ?? [];
  return (
    <section>
      <h1>Experiments</h1>
      <div className="toolbar">
        <input
          type="search"
          placeholder="Search by name"
          aria-label="Search experiments"
          value={search}
          onChange={(e) => set('q', e.target.value)}
        />
        <select aria-label="Lifecycle" value={view} onChange={(e) => set('view', e.target.value)}>
          <option value="ACTIVE_ONLY">Active</option>
          <option value="DELETED_ONLY">Deleted</option>
          <option value="ALL">All</option>
        </select>
        <span className="spacer" />
        <form onSubmit={onCreate} className="inline">
          <input
            placeholder="New experiment name"
            aria-label="New experiment name"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" disabled={!name.trim() || create.isPending}>
            Create
          </button>
        </form>
      </div>
      {[create, rename, remove, restore].map((m, i) => (
        <ErrorBox key={i} error={m.error} />
      ))}
      <ErrorBox error={experiments.error} title="Could not load experiments" />
      {experiments.isLoading && <Loading />}
      <table className="grid-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>ID</th>
            <th>Last update</th>
            <th>Artifact location</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((x) => (
            <tr key={x.experiment_id} className={x.lifecycle_stage === 'deleted' ? 'deleted' : undefined}>
              <td>
                <Link to={`/experiments/${x.experiment_id}`}>{x.name}</Link>
              </td>
              <td className="mono">{x.experiment_id}</td>
              <td>{fmtTime(x.last_update_time)}</td>
              <td className="mono small">{x.artifact_location}</td>
              <td className="actions">
                {canExperiment(me.data, x.experiment_id, 'update') && (
                  <button
                    onClick={() => {
                      const n = window.prompt('New name', x.name);
                      if (n && n !== x.name) rename.mutate({ id: x.experiment_id, name: n });
                    }}
                  >
                    Rename
                  </button>
                )}
                {!canExperiment(me.data, x.experiment_id, 'delete') ? null : x.lifecycle_stage === 'deleted' ? (
                  <button onClick={() => restore.mutate(x.experiment_id)}>Restore</button>
                ) : (
                  <button
                    className="danger"
                    onClick={() => window.confirm(`Delete experiment "${x.name}"?`) && remove.mutate(x.experiment_id)}
                  >
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!experiments.isLoading && list.length === 0 && <p className="muted">No experiments.</p>}
    </section>
  );
}
