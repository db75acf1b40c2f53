import type { Demand } from './demand';
import type { RequestView } from './request-view';
import { graphqlRequest, rootInputs } from '../../common/graphql-request';

const ids = (v: unknown): (string | undefined)[] =>
  (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map((x) =>
    typeof x === 'string' || typeof x === 'number' ? String(x) : undefined,
  );

/**
 * basic-auth demands of a GraphQL request: READ on every experiment and run its root fields
 * name (as the REST routes they mirror). Nested `experiment` is the run's own; model versions
 * are filtered by READ on their registered model while resolving. An unreadable request
 * demands nothing here and is refused by the handler (400).
 */
export function graphqlDemands(r: RequestView): Demand[] {
  let roots: ReturnType<typeof rootInputs>;
  try {
    roots = rootInputs(graphqlRequest(r.args));
  } catch {
    return [];
  }
  const experiments: (string | undefined)[] = [];
  const runs: (string | undefined)[] = [];
  for (const { input } of roots) {
    experiments.push(...ids(input.experimentId), ...ids(input.experimentIds));
    runs.push(...ids(input.runId), ...ids(input.runUuid), ...ids(input.runIds));
  }
  const demands: Demand[] = [];
  if (experiments.length) demands.push({ kind: 'experiment', ability: 'read', ids: experiments });
  if (runs.length) demands.push({ kind: 'run', ability: 'read', ids: runs });
  return demands;
}
