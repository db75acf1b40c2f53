import { FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { post } from '../api/client';
import { useAction } from '../api/hooks';
import { ErrorBox } from '../components/ErrorBox';

/** Comma-separated family names; empty means the server's default search space. */
export function familyList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * A search over model families on a series dataset (POST /api/v1/training/grid-searches with
 * `dataset.name`): the server validates families, horizon and split and names what is wrong;
 * empty fields take its defaults (the default families, the frequency's horizon).
 */
export function SeriesSearchForm({ dataset }: { dataset: string }) {
  const navigate = useNavigate();
  const [form, setForm] = useState({ experiment: dataset, families: '', horizon: '', model: '', policy: 'if_better' });
  const horizon = form.horizon.trim() === '' ? undefined : Number(form.horizon);
  const horizonError =
    horizon !== undefined && !(Number.isInteger(horizon) && horizon >= 1) ? 'horizon: a whole number ≥ 1' : undefined;
  const submit = useAction(
    () => {
      const families = familyList(form.families);
      return post<{ job_id: string }>('/api/v1/training/grid-searches', {
        experiment_name: form.experiment.trim() || undefined,
        dataset: { name: dataset },
        params: horizon !== undefined ? { horizon } : {},
        grid: families.length ? { model: families } : {},
        promote: form.model.trim() ? { model_name: form.model.trim(), policy: form.policy } : undefined,
      });
    },
    [['grids']],
    (r) => navigate(`/training/grid/${r.job_id}`),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!horizonError) submit.mutate(undefined);
  };
  return (
    <form onSubmit={onSubmit} className="card" aria-label="Search on a series dataset">
      <p className="muted small">
        Series dataset <Link to={`/datasets/${encodeURIComponent(dataset)}`}>{dataset}</Link>: each family is one
        candidate run, scored by OWA on validation against seasonal naive and Naive2. (
        <Link to="/training">Train on prices instead</Link>.)
      </p>
      <div className="form-grid">
        <label>
          Experiment
          <input value={form.experiment} onChange={(e) => setForm({ ...form, experiment: e.target.value })} />
        </label>
        <label>
          Families
          <input
            aria-label="Families"
            placeholder="default: the standard search"
            value={form.families}
            onChange={(e) => setForm({ ...form, families: e.target.value })}
          />
        </label>
        <label>
          Horizon
          <input
            aria-label="Horizon"
            placeholder="default for the frequency"
            className={horizonError ? 'invalid' : undefined}
            aria-invalid={!!horizonError}
            value={form.horizon}
            onChange={(e) => setForm({ ...form, horizon: e.target.value })}
          />
          {horizonError && <span className="field-error">{horizonError}</span>}
        </label>
        <label>
          Promote into model (optional)
          <input
            placeholder="registered model name"
            value={form.model}
            onChange={(e) => setForm({ ...form, model: e.target.value })}
          />
        </label>
        <label>
          Promotion policy
          <select value={form.policy} onChange={(e) => setForm({ ...form, policy: e.target.value })}>
            <option>if_better</option>
            <option>always</option>
            <option>never</option>
          </select>
        </label>
      </div>
      <ErrorBox error={submit.error} title="The server refused the search" />
      <div className="toolbar">
        <span className="spacer" />
        <button type="submit" className="primary" disabled={!!horizonError || submit.isPending}>
          Submit search
        </button>
      </div>
    </form>
  );
}
