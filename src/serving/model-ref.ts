import { CHAMPION_ALIAS } from '../registry/registry.types';

/**
 * What a scoring request points at, as in MLflow's `models:/` URIs: `name` (its champion),
 * `name@alias` or `name/3` (a pinned version). Names are split at the last `@` or `/<digits>`
 * (registered model names cannot contain `/`).
 */
export interface ModelRef {
  name: string;
  alias?: string;
  version?: number;
}

export function parseModelRef(key: string): ModelRef {
  const pinned = /^(.+)\/(\d{1,9})$/.exec(key);
  if (pinned) return { name: pinned[1], version: Number(pinned[2]) };
  const at = key.lastIndexOf('@');
  if (at > 0 && at < key.length - 1) return { name: key.slice(0, at), alias: key.slice(at + 1) };
  return { name: key, alias: CHAMPION_ALIAS };
}

/** One key per target: `name@champion` is `name`. */
export function refKey(ref: ModelRef): string {
  if (ref.version !== undefined) return `${ref.name}/${ref.version}`;
  return ref.alias === CHAMPION_ALIAS ? ref.name : `${ref.name}@${ref.alias}`;
}

export const isChampionKey = (key: string) => refKey(parseModelRef(key)) === key && !/[@/]/.test(key);
