/**
 * Nelder–Mead simplex minimisation (the optimiser R's `optim` default and statsforecast use for
 * exponential smoothing likelihoods). Derivative-free, a few hundred evaluations for the
 * 2–6 parameters of an ETS model. Constraints are the caller's: map them into an unbounded space.
 */
export interface NelderMeadOptions {
  /** Initial simplex edge per coordinate (default 0.1·max(|x0_i|, 1)... see `step`). */
  step?: number | number[];
  maxIterations?: number;
  /** Stop when the simplex's function values span less than this. */
  tolerance?: number;
}

export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): { x: Float64Array; value: number } {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 200 * n;
  const tolerance = options.tolerance ?? 1e-8;
  const stepOf = (i: number) => {
    const s = options.step;
    return Array.isArray(s) ? s[i] : typeof s === 'number' ? s : 0.1 * Math.max(Math.abs(x0[i]), 1);
  };
  const safe = (x: Float64Array) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const points: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(x0);
    p[i] += stepOf(i);
    points.push(p);
  }
  const values = points.map(safe);
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const along = (c: Float64Array, p: Float64Array, t: number) => c.map((ci, i) => ci + t * (p[i] - ci));
  for (let it = 0; it < maxIterations; it++) {
    order.sort((a, b) => values[a] - values[b]);
    const best = order[0];
    const worst = order[n];
    if (Math.abs(values[worst] - values[best]) <= tolerance * (Math.abs(values[best]) + tolerance)) break;
    const centroid = new Float64Array(n);
    for (const k of order.slice(0, n)) for (let i = 0; i < n; i++) centroid[i] += points[k][i] / n;
    const reflected = along(centroid, points[worst], -1);
    const fr = safe(reflected);
    if (fr < values[best]) {
      const expanded = along(centroid, points[worst], -2);
      const fe = safe(expanded);
      [points[worst], values[worst]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[order[n - 1]]) {
      [points[worst], values[worst]] = [reflected, fr];
    } else {
      const outside = fr < values[worst];
      const contracted = along(centroid, points[worst], outside ? -0.5 : 0.5);
      const fc = safe(contracted);
      if (fc < (outside ? fr : values[worst])) [points[worst], values[worst]] = [contracted, fc];
      else
        for (const k of order.slice(1)) {
          points[k] = along(points[best], points[k], 0.5);
          values[k] = safe(points[k]);
        }
    }
  }
  const bestIndex = values.indexOf(Math.min(...values));
  return { x: points[bestIndex], value: values[bestIndex] };
}
