/** Artifact URI schemes whose files the importer can read from the source store and copy. */
const COPYABLE = /^(mlflow-artifacts:|file:|\/|[A-Za-z]:[\\/])/;

export function isCopyable(uri: string): boolean {
  return COPYABLE.test(uri) || !/^[a-z][a-z0-9+.-]*:/i.test(uri);
}

/** `base` + `/` + parts, without doubling slashes (`mlflow-artifacts:/` + `3` → `mlflow-artifacts:/3`). */
export function joinUri(base: string, ...parts: string[]): string {
  let b = base.replace(/\/+$/, '');
  if (b.endsWith(':')) b += '/';
  return b.endsWith('/') ? b + parts.join('/') : [b, ...parts].join('/');
}

/**
 * Rewrites artifact URIs of the source store into the target's: each imported experiment's old
 * location maps to its new one, and any URI below an old location (a run's, a logged model's, a
 * model version's source) moves with it. URIs elsewhere (remote stores, `runs:/`, `models:/`)
 * are kept as they are.
 */
export class UriMap {
  private readonly prefixes: [string, string][] = [];

  add(from: string, to: string): void {
    if (!from || from === to) return;
    this.prefixes.push([from.replace(/\/+$/, ''), to.replace(/\/+$/, '')]);
    this.prefixes.sort((a, b) => b[0].length - a[0].length);
  }

  rewrite(uri: string | null): string | null {
    if (!uri) return uri;
    for (const [from, to] of this.prefixes) {
      if (uri === from) return to;
      if (uri.startsWith(`${from}/`)) return to + uri.slice(from.length);
    }
    return uri;
  }
}
