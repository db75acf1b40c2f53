import type { Ability } from '../permissions';

/** How a demand names its resource: experiments directly or through what lives in them, or models. */
export type TargetKind =
  | 'experiment'
  | 'run'
  | 'logged-model'
  | 'trace'
  | 'job'
  | 'experiment-name'
  | 'artifact-path'
  | 'model'
  | 'monitor'
  /** Any artifact URI: the owners of the experiment areas it lies in (src/auth/references/). */
  | 'artifact-uri'
  /** A new experiment location: refused when it overlaps another experiment's area. */
  | 'artifact-location'
  /** A run's files: the owners of every area its artifact root lies in (locations set before overlaps were refused). */
  | 'run-artifacts';

export interface Demand {
  kind: TargetKind;
  ability: Ability;
  ids: (string | undefined)[];
  /** A resource that does not exist yet may be created by the request (its creator then gets MANAGE). */
  orCreate?: boolean;
}
