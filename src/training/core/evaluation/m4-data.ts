import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeriesPanel } from '../models/series-model';

/**
 * M4's frequencies as the competition scored them: horizon, the period its MASE and Naive2 use
 * (1 for yearly, weekly and daily: M4 treated them as non-seasonal), and the natural period.
 */
export const M4_FREQUENCIES = {
  yearly: { horizon: 6, m4Period: 1, period: 1, frequency: 'Y' },
  quarterly: { horizon: 8, m4Period: 4, period: 4, frequency: 'Q' },
  monthly: { horizon: 18, m4Period: 12, period: 12, frequency: 'M' },
  weekly: { horizon: 13, m4Period: 1, period: 52, frequency: 'W' },
  daily: { horizon: 14, m4Period: 1, period: 7, frequency: 'D' },
  hourly: { horizon: 48, m4Period: 24, period: 24, frequency: 'H' },
} as const;

/** M4's published wide CSV: a header row, then one row per series: "id","v1","v2",... (blank cells after its end). */
export function parseM4Wide(text: string): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  const lines = text.split(/\r?\n/);
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.replace(/^"|"$/g, ''));
    const values = cells
      .slice(1)
      .filter((c) => c !== '' && c !== 'NA')
      .map(Number);
    out.set(cells[0], Float64Array.from(values));
  }
  return out;
}

/**
 * A panel of M4 series with their test parts appended, in file order: a one-origin backtest with
 * the frequency's horizon scores exactly the competition's forecasts.
 */
export function readM4Panel(
  trainFile: string,
  testFile: string,
  kind: keyof typeof M4_FREQUENCIES,
  limit = Infinity,
): SeriesPanel {
  const train = parseM4Wide(readFileSync(trainFile, 'utf8'));
  const test = parseM4Wide(readFileSync(testFile, 'utf8'));
  const f = M4_FREQUENCIES[kind];
  const series = [...train].slice(0, limit).map(([id, head]) => {
    const tail = test.get(id) ?? new Float64Array(0);
    const values = new Float64Array(head.length + tail.length);
    values.set(head);
    values.set(tail, head.length);
    // M4 publishes no timestamps in these files: steps are counted from 0.
    return { id, values, timestamps: Float64Array.from(values, (_, i) => i) };
  });
  return { series, frequency: f.frequency, seasonalPeriods: f.period > 1 ? [f.period] : [] };
}

/**
 * The shared data folder's M4 files (`shared/data/m4` beside the repository, or beside the
 * worktrees' parent), or undefined when neither is there.
 */
export function findM4Dir(repoRoot: string): string | undefined {
  return [join(repoRoot, '..', 'shared', 'data', 'm4'), join(repoRoot, '..', '..', 'shared', 'data', 'm4')].find((d) =>
    existsSync(join(d, 'Weekly-train.csv')),
  );
}
