/**
 * Host header allow-list (MLflow 3's --allowed-hosts): a DNS-rebinding page reaches a local
 * server under its own host name, which is not on the list. Patterns: `*` (any), `name` and
 * `name:*` (any port), `name:port`, and `*.domain` (any subdomain).
 */
export function hostMatcher(patterns: readonly string[]): (host: string | undefined) => boolean {
  if (patterns.includes('*')) return () => true;
  const rules = patterns.map((p) => p.toLowerCase());
  return (host) => {
    if (!host) return false;
    const value = host.toLowerCase();
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value);
    if (!m) return false;
    const [name, port] = [m[1], m[2]];
    return rules.some((rule) => {
      const r = /^(\[[^\]]+\]|[^:]+)(?::(\d+|\*))?$/.exec(rule);
      if (!r) return false;
      const [rName, rPort] = [r[1], r[2]];
      const nameOk = rName.startsWith('*.') ? name.endsWith(rName.slice(1)) : name === rName;
      const portOk = rPort === undefined || rPort === '*' || rPort === port;
      return nameOk && portOk;
    });
  };
}

/** CORS origin allow-list (`*` any); an origin is scheme://host[:port]. */
export function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  if (patterns.includes('*')) return () => true;
  const set = new Set(patterns.map((p) => p.toLowerCase().replace(/\/+$/, '')));
  return (origin) => set.has(origin.toLowerCase());
}
