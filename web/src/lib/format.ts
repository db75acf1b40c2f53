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
