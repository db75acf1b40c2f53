import { sourceReference } from '../../registry/source-validation';
import { nested, one, RequestView } from './request-view';
import type { Demand } from './demand';

/**
 * What a request points at besides the object it acts on, and the permission it needs on each
 * (the "references" column of README's permission table). Every route that accepts a reference
 * lists its function here in its ROUTE_RULES line; the guard checks them before the handler
 * runs, so a refused request changes and reads nothing. A referenced run that does not exist
 * here is left to the handler (MLflow accepts a version's run from another server).
 */

const read = (kind: Demand['kind'], ...ids: (string | undefined)[]): Demand => ({ kind, ability: 'read', ids });

const objects = (r: RequestView, field: string): Record<string, unknown>[] => {
  const v = r.args[field];
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : [];
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A model version's source: the run, registered model, logged model or artifact area it names. */
export function sourceDemands(source: string | undefined): Demand[] {
  if (source === undefined) return [];
  const ref = sourceReference(source);
  switch (ref.kind) {
    case 'runs':
      return [read('run', ref.runId)];
    case 'models':
      return [read('model', ref.name)];
    case 'logged-model':
      return [read('logged-model', ref.modelId)];
    default:
      return [read('artifact-uri', source)];
  }
}

/** model-versions/create: its source, `run_id` and (MLflow 3) `model_id` need READ. */
export const versionReferences = (r: RequestView): Demand[] => [
  ...sourceDemands(one(r, 'source')),
  read('run', one(r, 'run_id')),
  read('logged-model', one(r, 'model_id')),
];

/** Promoting a run registers its model: READ on the run (its logged model was READ-checked when linked). */
export const championReferences = (r: RequestView): Demand[] => [read('run', one(r, 'run_id'))];

/** Reading or writing a run's files reaches every area its artifact root lies in. */
export const runArtifacts =
  (ability: Demand['ability']) =>
  (r: RequestView): Demand[] => [{ kind: 'run-artifacts', ability, ids: [one(r, 'run_id', 'run_uuid')] }];

/** A new experiment's artifact location must not share files with another experiment's area. */
export const locationReferences = (r: RequestView): Demand[] => [
  { kind: 'artifact-location', ability: 'update', ids: [one(r, 'artifact_location')] },
];

/** log-inputs `models` and runs/outputs `models` link logged models to the run: READ on each. */
export const linkedModels = (r: RequestView): Demand[] => [
  read('logged-model', ...objects(r, 'models').map((m) => str(m.model_id))),
];

/** Metric points with `model_id` are also recorded on that logged model: EDIT on it. */
export const metricModels = (r: RequestView): Demand[] => {
  const single = one(r, 'model_id');
  const batch = objects(r, 'metrics').map((m) => str(m.model_id));
  return [{ kind: 'logged-model', ability: 'update', ids: [single, ...batch] }];
};

/** logged-models create: the run that produced it must be readable. */
export const loggedModelReferences = (r: RequestView): Demand[] => [read('run', one(r, 'source_run_id'))];

/** A trace whose metadata names a run (`mlflow.sourceRun`) shows up in that run: EDIT on it, as link-to-run. */
export const traceReferences = (r: RequestView): Demand[] => {
  const metadata = r.args.trace;
  const meta = (key: string) => nested(r, 'trace', 'trace_info', 'trace_metadata', key);
  if (!metadata || typeof metadata !== 'object') return [];
  return [
    { kind: 'run', ability: 'update', ids: [meta('mlflow.sourceRun')] },
    read('logged-model', meta('mlflow.modelId')),
  ];
};

/**
 * A monitor's retraining writes runs into `retrain.experiment_name`, by default
 * `monitor-<name>`: both need EDIT (or do not exist yet), on create and on every change of either.
 */
export const monitorReferences = (r: RequestView): Demand[] => {
  const name = one(r, 'name');
  const ids = [nested(r, 'retrain', 'experiment_name'), name === undefined ? undefined : `monitor-${name}`];
  return [{ kind: 'experiment-name', ability: 'update', ids, orCreate: true }];
};
