import type { GridSearchRequest } from '../../training/grid-search.service';
import { checkedParams } from '../../training/training-request';
import type { Monitor } from '../monitor.types';

const DAY = 86_400_000;

/**
 * The grid search a retrain submits: the monitor's spec on its data source, up to the check's
 * `as_of` date, promoting into the monitored model. Without a grid it is one candidate (a
 * one-value grid on the seed), so single runs get the same promotion machinery.
 */
export function retrainRequest(m: Monitor, asOf: string): GridSearchRequest {
  const r = m.config.retrain;
  if (!r) throw new Error(`monitor ${m.name} has no retraining spec`);
  const start = r.lookbackDays
    ? new Date(Date.parse(asOf) - r.lookbackDays * DAY).toISOString().slice(0, 10)
    : undefined;
  return {
    experiment_name: r.experimentName ?? `monitor-${m.name}`,
    dataset: { ...m.config.dataset, end_date: asOf, ...(start ? { start_date: start } : {}) },
    params: r.params,
    grid: r.grid ?? { seed: [checkedParams(r.params, 'retrain.params').seed] },
    metric: r.metric,
    cleaning: r.cleaning,
    promote: { model_name: m.modelName, policy: r.policy },
    run_name: `retrain-${m.name}-${asOf}`,
  };
}
