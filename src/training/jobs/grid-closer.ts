import type { GridResult } from '../training.types';
import type { CandidateJob, GridJob } from './job.types';

/** How a grid ends: its final state, its recorded outcome, and why it failed if it did. */
export interface GridClosing {
  state: 'completed' | 'failed';
  result: GridResult;
  error: string | null;
}

/**
 * Decides the outcome of a grid whose candidates are all final (best candidate, promotion)
 * and records it on the parent run's data. The lifecycle calls it exactly once per grid and
 * then moves the grid job and its parent run to their final state. Implemented in
 * training/execution (it needs the registry and the data), declared here so that the
 * lifecycle does not depend on it.
 */
export abstract class GridCloser {
  abstract close(grid: GridJob, candidates: CandidateJob[]): Promise<GridClosing>;
}
