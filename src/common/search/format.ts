/**
 * Small helpers for building error messages. Filters arrive from untrusted clients and may be
 * huge or contain control characters, so every echo of user text goes through `show`, which
 * bounds its length and makes invisible characters visible.
 */

/** Longest piece of user text quoted back in an error message. */
const MAX_SNIPPET = 40;

/** Renders control characters (NUL, newlines, ...) as `\xNN` so messages stay one readable line. */
function escapeControl(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** User text made safe to echo: control characters escaped, truncated with `...` when long. */
export function clip(text: string): string {
  const truncated = text.length > MAX_SNIPPET;
  return escapeControl(truncated ? text.slice(0, MAX_SNIPPET) : text) + (truncated ? '...' : '');
}

/** `'snippet'` of `src[start, end)`, clipped. */
export function show(src: string, start = 0, end = src.length): string {
  return `'${clip(src.slice(start, Math.min(end, start + MAX_SNIPPET + 1)))}'`;
}

/** Python list repr (`['a', 'b']`), the shape MLflow's messages use. */
export function pyList(items: readonly string[]): string {
  return `[${items.map((s) => `'${s}'`).join(', ')}]`;
}

/** Python set repr (`{'a', 'b'}`), as in MLflow's "not one of '{...}'" messages. */
export function pySet(items: readonly string[]): string {
  return `{${items.map((s) => `'${s}'`).join(', ')}}`;
}

/** Own-property lookup: user-supplied keys such as `__proto__` must never hit Object.prototype. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
