import { TrainingInputError } from '../errors';
import type { SeriesHistory, SeriesPanel } from '../models/series-model';
import { calendarFeatures } from './calendar';
import type { SeriesDataset } from './series-dataset';

/** Where each series is cut (steps from its end): the same positions for every model and baseline. */
export interface PanelSplit {
  /** Steps per series in the test part (the last ones). */
  test: number;
  /** Steps per series in the validation part (just before the test part). */
  validation: number;
}

export interface SplitPanels {
  /** Training part of every series. */
  train: SeriesPanel;
  /** Train + validation: the history a model forecasts the test part from. */
  trainValidation: SeriesPanel;
  /** The whole series (what a champion forecasts from in serving). */
  full: SeriesPanel;
}

/**
 * The dataset as the models' contract sees it: target values, known covariates (the declared
 * ones plus calendar features of each timestamp), frequency and seasonal periods.
 */
export function toPanel(d: SeriesDataset, knownColumns: readonly string[] = knownOf(d)): SeriesPanel {
  return {
    series: d.series.map((s) => ({
      id: s.id,
      values: s.values,
      timestamps: s.timestamps,
      known: {
        ...Object.fromEntries(knownColumns.map((c) => [c, s.covariates[c]])),
        ...calendarFeatures(d.frequency, s.timestamps),
      },
    })),
    stepMs: d.frequency.stepMs,
    frequency: d.frequency.alias,
    // Families count seasons in whole steps (365.25 days → 365).
    seasonalPeriods: [...new Set(d.seasonalPeriods.map(Math.round))].filter((m) => m > 1),
  };
}

export const knownOf = (d: SeriesDataset) => d.columns.filter((c) => c.role === 'known').map((c) => c.name);

/** The first `n` steps of a history (values, timestamps and known covariates alike). */
export function headOf(h: SeriesHistory, n: number): SeriesHistory {
  return {
    id: h.id,
    values: h.values.subarray(0, n),
    timestamps: h.timestamps.subarray(0, n),
    ...(h.known ? { known: Object.fromEntries(Object.entries(h.known).map(([k, v]) => [k, v.subarray(0, n)])) } : {}),
  };
}

/** Steps `from..to` of a history's known covariates (the future covariates of a forecast from `from`). */
export function knownSlice(h: SeriesHistory, from: number, to: number): Record<string, Float64Array> | undefined {
  return h.known ? Object.fromEntries(Object.entries(h.known).map(([k, v]) => [k, v.subarray(from, to)])) : undefined;
}

/**
 * Cuts every series by time at the same distance from its end. A series too short for the
 * split (fewer than `minTrain` training steps) is an error naming it: models and baselines
 * must see the same origins on every series.
 */
export function splitPanel(panel: SeriesPanel, split: PanelSplit, minTrain: number): SplitPanels {
  const cut = (n: number) => ({
    ...panel,
    series: panel.series.map((s) => headOf(s, s.values.length - n)),
  });
  for (const s of panel.series) {
    const train = s.values.length - split.test - split.validation;
    if (train < minTrain)
      throw new TrainingInputError(
        `series '${s.id}' has ${s.values.length} steps: too short for ${split.validation} validation + ${split.test} test steps and at least ${minTrain} training steps.`,
      );
  }
  return { train: cut(split.test + split.validation), trainValidation: cut(split.test), full: panel };
}
