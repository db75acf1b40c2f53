import { goalOf } from './compare';

export interface ScoreRow {
  metric: string;
  candidate?: number;
  champion?: number;
  /** The persistence (naive) baseline logged beside it: `naive_<metric>`. */
  persistence?: number;
  /** 'better' | 'worse' | 'same' of the candidate against the champion, by the metric's goal. */
  verdict?: 'better' | 'worse' | 'same';
}

const isBaseline = (k: string) => k.startsWith('naive_');

/** How a promotion candidate scored against the current champion and against persistence (test/val metrics first). */
export function scoreRows(candidate: Record<string, number>, champion?: Record<string, number>): ScoreRow[] {
  const keys = [...new Set([...Object.keys(candidate), ...Object.keys(champion ?? {})])].filter((k) => !isBaseline(k));
  const rank = (k: string) => (k.startsWith('test_') ? 0 : k.startsWith('val_') ? 1 : 2);
  keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return keys.map((metric) => {
    const c = candidate[metric];
    const ch = champion?.[metric];
    let verdict: ScoreRow['verdict'];
    if (c !== undefined && ch !== undefined) {
      const better = goalOf(metric) === 'max' ? c > ch : c < ch;
      verdict = c === ch ? 'same' : better ? 'better' : 'worse';
    }
    return { metric, candidate: c, champion: ch, persistence: candidate[`naive_${metric}`], verdict };
  });
}
