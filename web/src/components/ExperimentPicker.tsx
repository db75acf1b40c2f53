import { useQuery } from '@tanstack/react-query';
import { ML, post } from '../api/client';
import type { Experiment } from '../api/types';

/** The experiments the user can read (MLflow's search filters them), for views scoped to one experiment. */
export function useExperiments() {
  return useQuery({
    queryKey: ['experiments', 'picker'],
    queryFn: async () =>
      (await post<{ experiments?: Experiment[] }>(`${ML}/experiments/search`, { max_results: 1000 })).experiments ?? [],
  });
}

export function ExperimentPicker({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const list = useExperiments();
  return (
    <label>
      Experiment{' '}
      <select aria-label="Experiment" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All experiments</option>
        {(list.data ?? []).map((x) => (
          <option key={x.experiment_id} value={x.experiment_id}>
            {x.name}
          </option>
        ))}
      </select>
    </label>
  );
}
