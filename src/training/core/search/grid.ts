import { TrainingInputError } from '../errors';

export const MAX_GRID_CANDIDATES = 1000;

/**
 * The cartesian product of a hyperparameter grid, in a deterministic order (parameter names
 * sorted, the last name varying fastest), so candidate i is the same on every submission.
 * Counts before expanding: a grid over the limit fails without building anything.
 */
export function expandGrid(grid: Record<string, unknown>, max = MAX_GRID_CANDIDATES): Record<string, unknown>[] {
  if (!grid || typeof grid !== 'object' || Array.isArray(grid))
    throw new TrainingInputError("'grid' must be an object mapping parameter names to lists of values");
  const names = Object.keys(grid).sort();
  if (names.length === 0) throw new TrainingInputError("'grid' must name at least one parameter");
  let total = 1;
  for (const name of names) {
    const values = grid[name];
    if (!Array.isArray(values) || values.length === 0)
      throw new TrainingInputError(`grid '${name}' must be a non-empty list of values`);
    total *= values.length;
    if (total > max) throw new TrainingInputError(`the grid has more than ${max} candidates (at most ${max} allowed)`);
  }
  let combos: Record<string, unknown>[] = [{}];
  for (const name of names) {
    const values = grid[name] as unknown[];
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combos;
}
