import type { KeyValue } from '../../experiments/tracking.types';
import type { TrialInfo } from '../training.types';

/**
 * The tags that place a candidate's run in its search: `search.strategy`, `search.trial` (its
 * number), and for bayesian trials `search.sampler`, `search.history` (the finished trials its
 * params were suggested from) and `search.pending` (the trials then in flight, whose params it
 * avoided): with the parent's seed, enough to recompute them.
 */
export function trialTags(trial: TrialInfo | undefined): KeyValue[] {
  if (!trial) return [];
  const tags = [
    { key: 'search.strategy', value: trial.strategy },
    { key: 'search.trial', value: String(trial.index) },
  ];
  if (trial.sampler) tags.push({ key: 'search.sampler', value: trial.sampler });
  if (trial.history) tags.push({ key: 'search.history', value: trial.history.join(',') });
  if (trial.pending) tags.push({ key: 'search.pending', value: trial.pending.join(',') });
  return tags;
}
