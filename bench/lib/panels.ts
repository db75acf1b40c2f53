import { seededRandom } from '../../src/training/core/series/shuffle';
import { findM4Dir, M4_FREQUENCIES, readM4Panel } from '../../src/training/core/evaluation/m4-data';
import { SeriesPanel } from '../../src/training/core/models';
import { realisticHourly } from './hourly-panel';

export interface BenchPanel {
  name: string;
  panel: SeriesPanel;
  horizon: number;
  /** MASE period and Naive2 seasonality period as M4 scores this frequency. */
  m4Period: number;
  /** The training CSV, when the panel is M4's (for the Python side). */
  trainFile?: string;
  /** M4's published figures for this frequency (Makridakis et al., IJF 2020). */
  published: { method: string; smape?: number; mase?: number; owa: number }[];
}

/**
 * A synthetic hourly panel (there is no hourly data at hand): daily and weekly multiplicative
 * cycles, a slow trend, level shifts between series, 5% noise — what `400 hourly series × ~900
 * points` in the issue describes.
 */
export function syntheticHourly(count: number, length: number, seed: number): SeriesPanel {
  const random = seededRandom(seed);
  const series = Array.from({ length: count }, (_, k) => {
    const level = 20 + 200 * random();
    const dailyAmp = 0.2 + 0.5 * random();
    const weekend = 0.5 + 0.4 * random();
    const phase = Math.floor(24 * random());
    const values = Float64Array.from({ length }, (_, t) => {
      const daily = 1 + dailyAmp * Math.sin((2 * Math.PI * (t + phase)) / 24);
      const weekly = Math.floor(t / 24) % 7 >= 5 ? weekend : 1;
      return level * daily * weekly * (1 + 0.1 * (random() - 0.5)) * (1 + 0.0003 * t);
    });
    return { id: `H${k + 1}`, values, timestamps: Float64Array.from(values, (_, t) => t * 3_600_000) };
  });
  return { series, frequency: 'H', stepMs: 3_600_000, seasonalPeriods: [24, 168] };
}

export function benchPanel(name: string, repoRoot: string, limit: number): BenchPanel {
  if (name === 'm4-weekly') {
    const dir = findM4Dir(repoRoot);
    if (!dir) throw new Error('M4 Weekly files not found (shared/data/m4 beside the repository)');
    const f = M4_FREQUENCIES.weekly;
    const trainFile = `${dir}/Weekly-train.csv`;
    return {
      name,
      panel: readM4Panel(trainFile, `${dir}/Weekly-test.csv`, 'weekly', limit),
      horizon: f.horizon,
      m4Period: f.m4Period,
      trainFile,
      published: [
        { method: 'Naive2 (M4)', smape: 9.161, mase: 2.777, owa: 1 },
        { method: 'Theta (M4 benchmark)', owa: 0.971 },
        { method: 'Smyl ES-RNN (1st)', owa: 0.851 },
        { method: 'Montero-Manso FFORMA (2nd)', owa: 0.796 },
      ],
    };
  }
  if (name === 'synthetic-hourly') {
    const f = M4_FREQUENCIES.hourly;
    return {
      name,
      panel: syntheticHourly(Number.isFinite(limit) ? limit : 400, 900 + f.horizon, 20),
      horizon: f.horizon,
      m4Period: f.m4Period,
      published: [],
    };
  }
  if (name === 'hourly') {
    const f = M4_FREQUENCIES.hourly;
    return {
      name,
      panel: realisticHourly(Number.isFinite(limit) ? limit : 400, f.horizon, 7),
      horizon: f.horizon,
      m4Period: f.m4Period,
      published: [],
    };
  }
  throw new Error(`unknown panel '${name}' (m4-weekly, synthetic-hourly, hourly)`);
}
