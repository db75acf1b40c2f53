/** Params/metrics diff across runs and the best run per metric (unit-tested in compare.spec.ts). */

export interface CompareRun {
  id: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
}

export type Goal = 'min' | 'max';

/** Higher is better for these (the rest: lower, like losses and errors); tsflow's compare API uses the same words. */
const MAXIMISED = /(accuracy|acc|skill|r2|auc|precision|recall|f1|score|reward|sharpe|hit_rate)/i;

export function goalOf(metric: string): Goal {
  return MAXIMISED.test(metric) ? 'max' : 'min';
}

export interface DiffRow {
  key: string;
  kind: 'param' | 'metric';
  /** true when at least two runs have different values (a missing value counts as a value). */
  differs: boolean;
  goal?: Goal;
  /** The run with the best value of a metric (ties: the first). */
  best?: string;
}

function differs(values: (string | number | undefined)[]): boolean {
  return values.some((v) => v !== values[0]);
}

export function bestRun(runs: CompareRun[], key: string, goal: Goal = goalOf(key)): string | undefined {
  let best: CompareRun | undefined;
  for (const r of runs) {
    const v = r.metrics[key];
    if (v === undefined || Number.isNaN(v)) continue;
    if (!best || (goal === 'min' ? v < best.metrics[key] : v > best.metrics[key])) best = r;
  }
  return best?.id;
}

export function diffRows(runs: CompareRun[]): DiffRow[] {
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  return [
    ...paramKeys.map((key) => ({ key, kind: 'param' as const, differs: differs(runs.map((r) => r.params[key])) })),
    ...metricKeys.map((key) => ({
      key,
      kind: 'metric' as const,
      differs: differs(runs.map((r) => r.metrics[key])),
      goal: goalOf(key),
      best: bestRun(runs, key),
    })),
  ];
}
