export function fmtTime(ms?: number): string {
  if (!ms) return '';
  const d = new Date(Number(ms));
  return d.toISOString().replace('T', ' ').slice(0, 19);
}

export function fmtDuration(start?: number, end?: number): string {
  if (!start) return '';
  const s = Math.max(0, ((end ? Number(end) : Date.now()) - Number(start)) / 1000);
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m`;
}

export function fmtNum(v: number | undefined | null): string {
  if (v === undefined || v === null) return '';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(4) : v.toPrecision(5).replace(/\.?0+$/, '');
}

export function fmtBytes(n?: number): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const kv = (list?: { key: string; value: string }[]): Record<string, string> =>
  Object.fromEntries((list ?? []).map((t) => [t.key, t.value]));

/** MLflow's quoting of a key in the filter/order grammar: metrics.`my key`. */
export const quoteKey = (key: string) => (/^[A-Za-z_][\w.]*$/.test(key) ? key : `\`${key.replace(/`/g, '')}\``);

/** Decimals needed to write `step` exactly (0.25 → 2, 1e-4 → 4, 5 → 0), at most 12. */
function decimalsOf(step: number): number {
  for (let d = 0; d <= 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 12;
}

/**
 * Axis tick labels that tell neighbouring ticks apart: as many decimals as the spacing between
 * ticks needs (a learning rate around 1e-3 reads 0.0009, 0.0010, 0.0011 instead of 0.001, 0.001,
 * 0), and scientific notation for very small or very large magnitudes.
 */
export function tickLabels(ticks: readonly number[]): string[] {
  const finite = ticks.filter(Number.isFinite);
  let step = Infinity;
  for (let i = 1; i < finite.length; i++) {
    const d = Math.abs(finite[i] - finite[i - 1]);
    if (d > 0) step = Math.min(step, d);
  }
  const maxAbs = Math.max(0, ...finite.map(Math.abs));
  if (!Number.isFinite(step)) step = maxAbs || 1;
  const label = (v: number, text: () => string) => (Number.isFinite(v) ? (v === 0 ? '0' : text()) : String(v));
  if (maxAbs !== 0 && (maxAbs < 1e-3 || maxAbs >= 1e6)) {
    const digits = Math.min(10, Math.max(0, Math.floor(Math.log10(maxAbs)) - Math.floor(Math.log10(step))));
    return ticks.map((v) => label(v, () => v.toExponential(digits)));
  }
  const decimals = decimalsOf(Number(step.toPrecision(6)));
  return ticks.map((v) => label(v, () => v.toFixed(decimals)));
}
