import type { Decision, MonitorThresholds } from '../monitor.types';

export interface DecisionInput {
  thresholds: MonitorThresholds;
  /** Calendar days from the champion's training end to the check's as_of date. */
  daysSinceTraining: number;
  /** Trading days scored since the champion's training end. */
  scoredDays: number;
  liveSkill: number | null;
  skillWindowDays: number;
  drift: { returns: { psi: number; ks: number }; volume: { psi: number; ks: number } };
  /** A retrain this monitor submitted is still running. */
  retrainPending: string | null;
  /** Calendar days since the latest retrain was submitted (null: never). */
  daysSinceRetrain: number | null;
  /** The monitor has a retraining spec. */
  canRetrain: boolean;
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));

const RULES = ['minSkill', 'maxPsi', 'maxKs', 'retrainEveryDays', 'maxNewDays'] as const;

/**
 * Which thresholds the check crossed: every crossed rule is a reason; any reason means retrain.
 * A check dated before the champion's training end judges nothing: a retrain from it would train
 * on older data than the champion's.
 */
export function decide(i: DecisionInput): { decision: Decision; reasons: string[] } {
  const t = i.thresholds;
  if (i.daysSinceTraining < 0) {
    return {
      decision: 'none',
      reasons: [
        `as_of is ${-i.daysSinceTraining} day(s) before the champion's training end: nothing after its training ` +
          'to judge, and a retrain would use older data than the champion: not retraining',
      ],
    };
  }
  if (RULES.every((rule) => t[rule] === undefined))
    return { decision: 'none', reasons: ['no thresholds set: nothing can trigger a retrain'] };
  const reasons: string[] = [];
  if (t.retrainEveryDays !== undefined && i.daysSinceTraining >= t.retrainEveryDays)
    reasons.push(`schedule elapsed: ${i.daysSinceTraining} days since training end >= ${t.retrainEveryDays}`);
  if (t.maxNewDays !== undefined && i.scoredDays >= t.maxNewDays)
    reasons.push(`enough new days: ${i.scoredDays} scored days >= ${t.maxNewDays}`);
  if (t.minSkill !== undefined && i.liveSkill !== null && i.scoredDays >= t.minScoredDays && i.liveSkill < t.minSkill)
    reasons.push(`live skill ${fmt(i.liveSkill)} over the last ${i.skillWindowDays} days < ${t.minSkill}`);
  for (const feature of ['returns', 'volume'] as const) {
    const s = i.drift[feature];
    if (t.maxPsi !== undefined && s.psi > t.maxPsi) reasons.push(`drift: ${feature} PSI ${fmt(s.psi)} > ${t.maxPsi}`);
    if (t.maxKs !== undefined && s.ks > t.maxKs) reasons.push(`drift: ${feature} KS ${fmt(s.ks)} > ${t.maxKs}`);
  }
  if (reasons.length === 0) return { decision: 'none', reasons: ['all thresholds met'] };
  if (!i.canRetrain) return { decision: 'none', reasons: [...reasons, 'no retraining spec: nothing submitted'] };
  if (i.retrainPending)
    return {
      decision: 'none',
      reasons: [...reasons, `retrain ${i.retrainPending} still running: not submitting another`],
    };
  if (i.daysSinceRetrain !== null && i.daysSinceRetrain < t.cooldownDays)
    return {
      decision: 'none',
      reasons: [...reasons, `cooldown: last retrain ${i.daysSinceRetrain} days ago < ${t.cooldownDays}`],
    };
  return { decision: 'retrain', reasons };
}
