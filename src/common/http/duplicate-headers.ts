/**
 * Headers that carry one value: a second copy is ambiguous (Node keeps the first Host and
 * Authorization, a proxy in front may keep the last), which is how host allow-lists and
 * credentials get smuggled past checks. Such a request is refused, as servers that check Host
 * do (RFC 9112 §3.2: more than one Host field is a 400).
 */
const SINGLE_VALUED = new Set([
  'host',
  'authorization',
  'proxy-authorization',
  'content-type',
  'content-length',
  'content-encoding',
  'origin',
  'x-mlflow-experiment-id',
]);

/** The first single-valued header name that `rawHeaders` (name, value, name, value, ...) repeats. */
export function repeatedSingleValuedHeader(rawHeaders: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!SINGLE_VALUED.has(name)) continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}
