import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { ML, get } from '../api/client';
import type { RegisteredModel } from '../api/types';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { fmtTime } from '../lib/format';

export function ModelsView() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const models = useQuery({
    queryKey: ['models', q],
    queryFn: () =>
      get<{ registered_models?: RegisteredModel[] }>(`${ML}/registered-models/search`, {
        filter: q ? `name ILIKE '%${q.replace(/'/g, "\\'")}%'` : undefined,
        max_results: 1000,
      }),
  });
  const list = models.data?.registered_models ?? [];
  return (
    <section>
      <h1>Registered models</h1>
      <div className="toolbar">
        <input
          type="search"
          aria-label="Search models"
          placeholder="Search by name"
          value={q}
          onChange={(e) => setParams(e.target.value ? { q: e.target.value } : {}, { replace: true })}
        />
      </div>
      <ErrorBox error={models.error} title="Could not load models" />
      {models.isLoading && <Loading />}
      <table className="grid-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Latest version</th>
            <th>Aliases</th>
            <th>Last update</th>
          </tr>
        </thead>
        <tbody>
          {list.map((m) => (
            <tr key={m.name}>
              <td>
                <Link to={`/models/${encodeURIComponent(m.name)}`}>{m.name}</Link>
              </td>
              <td>{m.latest_versions?.map((v) => `v${v.version}`).join(', ')}</td>
              <td>
                {(m.aliases ?? []).map((a) => (
                  <span key={a.alias} className={`pill${a.alias === 'champion' ? ' champion' : ''}`}>
                    @{a.alias} → v{a.version}
                  </span>
                ))}
              </td>
              <td>{fmtTime(m.last_updated_timestamp)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!models.isLoading && list.length === 0 && <p className="muted">No registered models.</p>}
    </section>
  );
}
