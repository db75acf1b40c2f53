import { CHAMPION_ALIAS } from '../../registry/registry.types';
import { parseModelRef } from '../../serving/model-ref';
import type { Ability } from '../permissions';
import type { Demand, TargetKind } from './demand';
import { graphqlDemands } from './graphql-demands';
import {
  championReferences,
  linkedModels,
  locationReferences,
  loggedModelReferences,
  metricModels,
  monitorReferences,
  runArtifacts,
  traceReferences,
  versionReferences,
} from './reference-demands';
import { header, many, nested, one, RequestView } from './request-view';

/**
 * THE table of who may call what: every route of the app has one line here (checked by
 * test/auth-route-coverage.e2e.ts, which fails on a route without a rule). Keys are
 * `METHOD path`, with MLflow's `/api/2.0/`, `/ajax-api/2.0/` (and 3.0) prefixes dropped, so
 * one line covers every prefix; HEAD uses the GET line. Permissions follow MLflow's basic-auth
 * app (mlflow/server/auth/__init__.py): READ to read, EDIT (update) to write, MANAGE to delete
 * and to grant.
 */

/** Who may call at all: anyone, the scoring clients, any user, admins, a user about themself. */
export type Access = 'public' | 'scoring' | 'user' | 'admin' | 'self';

export type { Demand, TargetKind } from './demand';

/** Search answers keep only what the caller can read (as MLflow's after-request filters do). */
export type ResultFilter = 'experiments' | 'registered-models' | 'model-versions';

export interface RouteRule {
  access: Access;
  demands?: (req: RequestView) => Demand[];
  filter?: ResultFilter;
  /** The creator of a new experiment / model gets MANAGE on it; grants follow renames and deletes. */
  after?: 'grant-experiment' | 'grant-model' | 'rename-model' | 'delete-model';
  /** A route of the auth app itself (mounted only in basic-auth mode). */
  authApp?: true;
}

type Locate = (req: RequestView) => string | undefined | (string | undefined)[];

const list = (v: ReturnType<Locate>) => (Array.isArray(v) ? v : [v]);

type References = (req: RequestView) => Demand[];

/** The permission on the object a route acts on, plus what the request references (reference-demands.ts). */
function need(
  kind: TargetKind,
  ability: Ability,
  locate: Locate,
  extra: Partial<RouteRule> = {},
  references?: References,
): RouteRule {
  return {
    access: 'user',
    demands: (r) => [{ kind, ability, ids: list(locate(r)) }, ...(references?.(r) ?? [])],
    ...extra,
  };
}

const PUBLIC: RouteRule = { access: 'public' };
const USER: RouteRule = { access: 'user' };
const ADMIN: RouteRule = { access: 'admin' };
const SELF: RouteRule = { access: 'self' };
/**
 * Scoring exposes a model's champion to every scoring client. A request naming another alias or
 * a pinned version (`?model=name@alias`, `name/3`, or the body's "model") reaches what the
 * model's owners have not promoted: a user needs READ on the model (the scoring token, an
 * admin's credential for applications, reaches every version; open scoring only champions).
 */
function scoringReferences(r: RequestView): Demand[] {
  const named = r.args.model;
  if (typeof named !== 'string' || named === '') return [];
  const ref = parseModelRef(named);
  return ref.alias === CHAMPION_ALIAS ? [] : [{ kind: 'model', ability: 'read', ids: [ref.name] }];
}
const SCORING: RouteRule = { access: 'scoring', demands: scoringReferences };

const experimentId: Locate = (r) => one(r, 'experiment_id');
const experimentIds: Locate = (r) => many(r, 'experiment_ids');
const runId: Locate = (r) => one(r, 'run_id', 'run_uuid');
const modelName: Locate = (r) => one(r, 'name');
const pathModelName: Locate = (r) => r.params.name;
const loggedModelId: Locate = (r) => r.params.model_id ?? one(r, 'model_id');
const traceId: Locate = (r) => r.params.trace_id ?? one(r, 'trace_id', 'request_id');
const jobId: Locate = (r) => r.params.job_id;
const artifactPath: Locate = (r) => r.params['*'] ?? one(r, 'path') ?? '';

const exp = (ability: Ability, locate: Locate, extra?: Partial<RouteRule>) =>
  need('experiment', ability, locate, extra);
const run = (ability: Ability, locate: Locate = runId, references?: References) =>
  need('run', ability, locate, {}, references);
const model = (ability: Ability, locate: Locate = modelName, extra?: Partial<RouteRule>) =>
  need('model', ability, locate, extra);
const loggedModel = (ability: Ability) => need('logged-model', ability, loggedModelId);
const trace = (ability: Ability, locate: Locate = traceId) => need('trace', ability, locate);
const artifacts = (ability: Ability) => need('artifact-path', ability, artifactPath);
const job = (ability: Ability) => need('job', ability, jobId);
/** A monitor acts on its registered model (a check may retrain and move `champion`). */
const monitor = (ability: Ability) => need('monitor', ability, (r) => r.params.monitor_id);

/** Moving `champion` (what production /predict serves) needs MANAGE; other aliases EDIT. */
const alias = (r: RequestView): Ability => ((one(r, 'alias') ?? '').toLowerCase() === 'champion' ? 'manage' : 'update');

/** Training writes into its experiment (EDIT, or a new one); a grid that may promote needs MANAGE on the model. */
function training(r: RequestView): Demand[] {
  const demands: Demand[] = [
    { kind: 'experiment-name', ability: 'update', ids: [one(r, 'experiment_name') ?? 'Default'], orCreate: true },
  ];
  const promote = nested(r, 'promote', 'model_name');
  if (promote !== undefined) demands.push({ kind: 'model', ability: 'manage', ids: [promote], orCreate: true });
  return demands;
}

/** traces/search names experiments as v3 locations or as v2 experiment_ids. */
function traceSearch(r: RequestView): Demand[] {
  const locations = Array.isArray(r.args.locations) ? (r.args.locations as unknown[]) : [];
  const ids = locations.map((l) => nested({ ...r, args: { l } }, 'l', 'mlflow_experiment', 'experiment_id'));
  return [{ kind: 'experiment', ability: 'read', ids: [...ids, ...many(r, 'experiment_ids')] }];
}

export const ROUTE_RULES: Record<string, RouteRule> = {
  // Process endpoints.
  'GET /health': PUBLIC,
  'GET /version': PUBLIC,
  'GET /metrics': PUBLIC,
  // Swagger UI's assets (the API description is public, like openapi.json in the repository).
  'GET /docs/*': PUBLIC,

  // Experiments.
  'POST mlflow/experiments/create': { access: 'user', after: 'grant-experiment', demands: locationReferences },
  'GET mlflow/experiments/get': exp('read', experimentId),
  'GET mlflow/experiments/get-by-name': need('experiment-name', 'read', (r) => one(r, 'experiment_name')),
  'GET mlflow/experiments/search': { access: 'user', filter: 'experiments' },
  'POST mlflow/experiments/search': { access: 'user', filter: 'experiments' },
  'POST mlflow/experiments/update': exp('update', experimentId),
  'POST mlflow/experiments/delete': exp('delete', experimentId),
  'POST mlflow/experiments/restore': exp('delete', experimentId),
  'POST mlflow/experiments/set-experiment-tag': exp('update', experimentId),
  'POST mlflow/experiments/delete-experiment-tag': exp('update', experimentId),
  'POST mlflow/experiments/search-datasets': exp('read', experimentIds),

  // Runs and their data.
  'POST mlflow/runs/create': exp('update', experimentId),
  'GET mlflow/runs/get': run('read'),
  'POST mlflow/runs/update': run('update'),
  'POST mlflow/runs/delete': run('delete'),
  'POST mlflow/runs/restore': run('delete'),
  'POST mlflow/runs/search': exp('read', experimentIds),
  'POST mlflow/runs/log-metric': run('update', runId, metricModels),
  'POST mlflow/runs/log-parameter': run('update'),
  'POST mlflow/runs/set-tag': run('update'),
  'POST mlflow/runs/delete-tag': run('update'),
  'POST mlflow/runs/log-batch': run('update', runId, metricModels),
  'POST mlflow/runs/log-inputs': run('update', runId, linkedModels),
  'POST mlflow/runs/outputs': run('update', runId, linkedModels),
  'POST mlflow/runs/log-model': run('update'),
  'GET mlflow/metrics/get-history': run('read'),
  'GET mlflow/metrics/get-history-bulk-interval': run('read', (r) => many(r, 'run_ids')),
  'GET mlflow/metrics/get-history-bulk': run('read', (r) => many(r, 'run_id')),
  'GET /api/v1/runs/compare': run('read', (r) => many(r, 'run_ids', true)),
  'POST /api/v1/metrics/history-sampled': run('read', (r) => many(r, 'run_ids')),

  // Artifacts.
  'GET mlflow-artifacts/artifacts': artifacts('read'),
  'GET mlflow-artifacts/artifacts/*': artifacts('read'),
  'PUT mlflow-artifacts/artifacts/*': artifacts('update'),
  'DELETE mlflow-artifacts/artifacts/*': artifacts('delete'),
  'POST mlflow-artifacts/mpu/create/*': artifacts('update'),
  'POST mlflow-artifacts/mpu/complete/*': artifacts('update'),
  'POST mlflow-artifacts/mpu/abort/*': artifacts('update'),
  'GET mlflow/artifacts/list': run('read', runId, runArtifacts('read')),
  'GET /get-artifact': run('read', runId, runArtifacts('read')),
  'GET /model-versions/get-artifact': model('read'),
  'POST mlflow/upload-artifact': run('update', runId, runArtifacts('update')),

  // MLflow 3 logged models.
  'POST mlflow/logged-models': need('experiment', 'update', experimentId, {}, loggedModelReferences),
  'POST mlflow/logged-models/search': exp('read', experimentIds),
  'GET mlflow/logged-models/:model_id': loggedModel('read'),
  'DELETE mlflow/logged-models/:model_id': loggedModel('delete'),
  'PATCH mlflow/logged-models/:model_id': loggedModel('update'),
  'PATCH mlflow/logged-models/:model_id/tags': loggedModel('update'),
  'DELETE mlflow/logged-models/:model_id/tags/:tag_key': loggedModel('update'),
  'POST mlflow/logged-models/:model_id/params': loggedModel('update'),
  'GET mlflow/logged-models/:model_id/artifacts/directories': loggedModel('read'),
  'GET mlflow/logged-models/:model_id/artifacts/files': loggedModel('read'),

  // Tracing.
  'POST mlflow/traces': need(
    'experiment',
    'update',
    (r) => nested(r, 'trace', 'trace_info', 'trace_location', 'mlflow_experiment', 'experiment_id'),
    {},
    traceReferences,
  ),
  'GET mlflow/traces/get': trace('read'),
  'GET mlflow/traces/batchGet': trace('read', (r) => many(r, 'trace_ids')),
  'POST mlflow/traces/search': { access: 'user', demands: traceSearch },
  'GET mlflow/traces/:trace_id': trace('read'),
  'POST mlflow/traces/delete-traces': exp('delete', experimentId),
  'PATCH mlflow/traces/:trace_id/tags': trace('update'),
  'DELETE mlflow/traces/:trace_id/tags': trace('update'),
  'POST mlflow/traces/link-to-run': {
    access: 'user',
    demands: (r) => [
      { kind: 'run', ability: 'update', ids: [one(r, 'run_id')] },
      { kind: 'trace', ability: 'update', ids: many(r, 'trace_ids') },
    ],
  },
  'GET mlflow/get-trace-artifact': trace('read'),
  'POST mlflow/runs/create-promptlab-run': exp('update', experimentId),
  // GraphQL: READ on each experiment and run named; model versions filtered by model READ while resolving.
  'GET /graphql': { access: 'user', demands: graphqlDemands },
  'POST /graphql': { access: 'user', demands: graphqlDemands },
  'GET /ajax-api/graphql': { access: 'user', demands: graphqlDemands },
  'POST /ajax-api/graphql': { access: 'user', demands: graphqlDemands },
  'GET mlflow/gateway-proxy': USER,
  'POST mlflow/gateway-proxy': USER,
  'POST mlflow/traces/:trace_id/assessments': trace('update'),
  'GET mlflow/traces/:trace_id/assessments/:assessment_id': trace('read'),
  'PATCH mlflow/traces/:trace_id/assessments/:assessment_id': trace('update'),
  'DELETE mlflow/traces/:trace_id/assessments/:assessment_id': trace('update'),
  'POST /v1/traces': exp('update', (r) => header(r, 'x-mlflow-experiment-id')),

  // Model registry.
  'POST mlflow/registered-models/create': { access: 'user', after: 'grant-model' },
  'GET mlflow/registered-models/get': model('read'),
  'POST mlflow/registered-models/rename': model('update', modelName, { after: 'rename-model' }),
  'PATCH mlflow/registered-models/update': model('update'),
  'DELETE mlflow/registered-models/delete': model('delete', modelName, { after: 'delete-model' }),
  'GET mlflow/registered-models/search': { access: 'user', filter: 'registered-models' },
  'GET mlflow/registered-models/get-latest-versions': model('read'),
  'POST mlflow/registered-models/get-latest-versions': model('read'),
  'POST mlflow/registered-models/set-tag': model('update'),
  'DELETE mlflow/registered-models/delete-tag': model('update'),
  'POST mlflow/registered-models/alias': {
    access: 'user',
    demands: (r) => [{ kind: 'model', ability: alias(r), ids: [one(r, 'name')] }],
  },
  'DELETE mlflow/registered-models/alias': {
    access: 'user',
    demands: (r) => [{ kind: 'model', ability: alias(r), ids: [one(r, 'name')] }],
  },
  'GET mlflow/registered-models/alias': model('read'),
  'POST mlflow/model-versions/create': need('model', 'update', modelName, {}, versionReferences),
  'GET mlflow/model-versions/get': model('read'),
  'PATCH mlflow/model-versions/update': model('update'),
  'DELETE mlflow/model-versions/delete': model('delete'),
  'GET mlflow/model-versions/search': { access: 'user', filter: 'model-versions' },
  'POST mlflow/model-versions/transition-stage': model('update'),
  'POST mlflow/model-versions/set-tag': model('update'),
  'DELETE mlflow/model-versions/delete-tag': model('update'),
  'GET mlflow/model-versions/get-download-uri': model('read'),
  'POST /api/v1/models/:name/champion': {
    access: 'user',
    demands: (r) => [
      { kind: 'model', ability: 'manage', ids: [r.params.name], orCreate: true },
      ...championReferences(r),
    ],
  },
  'GET /api/v1/models/:name/champion': model('read', pathModelName),
  // The champion's panel and series histories: training data of the model, readable with it.
  'GET /api/v1/models/:name/champion/series': model('read', pathModelName),
  'GET /api/v1/models/:name/champion/history': model('read', pathModelName),

  // Training.
  'GET /api/v1/training/params': USER,
  'POST /api/v1/training/runs': { access: 'user', demands: training },
  'GET /api/v1/training/runs/:job_id': job('read'),
  'DELETE /api/v1/training/runs/:job_id': job('update'),
  'POST /api/v1/training/grid-searches': { access: 'user', demands: training },
  'GET /api/v1/training/grid-searches': USER,
  'GET /api/v1/training/grid-searches/:job_id': job('read'),
  'DELETE /api/v1/training/grid-searches/:job_id': job('update'),
  'GET /api/v1/training/grid-searches/:job_id/events': job('read'),
  'PUT /api/v1/training/datasets/:name': USER,
  'GET /api/v1/training/datasets': USER,
  'GET /api/v1/training/datasets/:name': USER,

  // Serving: open, or the scoring token, or any user (TSFLOW_SCORING_OPEN / TSFLOW_SCORING_TOKEN).
  'POST /predict': SCORING,
  'POST /invocations': SCORING,
  // Monitors: creating, changing or running one may retrain and move the champion (MANAGE on the model).
  'POST /api/v1/monitors': need('model', 'manage', (r) => one(r, 'model_name'), {}, monitorReferences),
  'GET /api/v1/monitors': USER,
  'POST /api/v1/admin/imports': ADMIN,
  'GET /api/v1/admin/imports': ADMIN,
  'GET /api/v1/admin/imports/:import_id': ADMIN,
  'GET /api/v1/monitors/:monitor_id': monitor('read'),
  'PATCH /api/v1/monitors/:monitor_id': need('monitor', 'manage', (r) => r.params.monitor_id, {}, monitorReferences),
  'DELETE /api/v1/monitors/:monitor_id': monitor('manage'),
  'POST /api/v1/monitors/:monitor_id/check': monitor('manage'),

  // The web UI: its pages are the same static HTML for everyone and hold no data; the API calls
  // they make are checked (a 401 shows the UI's sign-in form, not the browser's Basic prompt).
  'GET /': PUBLIC,
  'GET /experiments': PUBLIC,
  'GET /experiments/*': PUBLIC,
  'GET /compare': PUBLIC,
  'GET /models': PUBLIC,
  'GET /models/*': PUBLIC,
  'GET /training': PUBLIC,
  'GET /training/*': PUBLIC,
  'GET /forecasts': PUBLIC,
  'GET /forecasts/*': PUBLIC,
  'GET /traces': PUBLIC,
  'GET /traces/*': PUBLIC,
  'GET /logged-models': PUBLIC,
  'GET /logged-models/*': PUBLIC,
  'GET /monitors': PUBLIC,
  'GET /monitors/*': PUBLIC,
  'GET /datasets': PUBLIC,
  'GET /datasets/*': PUBLIC,
  'GET /sign-in': PUBLIC,
  'GET /api/v1/auth/me': USER,
  'GET /assets/*': PUBLIC,
  'GET /favicon.svg': PUBLIC,

  'GET /ping': SCORING,
  'GET /api/v1/serving/models': SCORING,

  // The auth app itself (MLflow's users and permissions API, and tsflow's tokens).
  ...authApp({
    'POST mlflow/users/create': ADMIN,
    'GET mlflow/users/get': SELF,
    'PATCH mlflow/users/update-password': SELF,
    'PATCH mlflow/users/update-admin': ADMIN,
    'DELETE mlflow/users/delete': ADMIN,
    'POST mlflow/experiments/permissions/create': exp('manage', experimentId),
    'GET mlflow/experiments/permissions/get': exp('manage', experimentId),
    'PATCH mlflow/experiments/permissions/update': exp('manage', experimentId),
    'DELETE mlflow/experiments/permissions/delete': exp('manage', experimentId),
    'POST mlflow/registered-models/permissions/create': model('manage'),
    'GET mlflow/registered-models/permissions/get': model('manage'),
    'PATCH mlflow/registered-models/permissions/update': model('manage'),
    'DELETE mlflow/registered-models/permissions/delete': model('manage'),
    'POST /api/v1/auth/tokens': USER,
    'DELETE /api/v1/auth/tokens': USER,
  }),
};

function authApp(rules: Record<string, RouteRule>): Record<string, RouteRule> {
  return Object.fromEntries(Object.entries(rules).map(([key, rule]) => [key, { ...rule, authApp: true }]));
}

const MLFLOW_PREFIX = /^\/(?:api|ajax-api)\/[23]\.0\//;

/** The table key of a registered route (its pattern, e.g. `/api/2.0/mlflow/logged-models/:model_id`). */
export function ruleKey(method: string, routeUrl: string): string {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return `${m} ${routeUrl.replace(MLFLOW_PREFIX, '')}`;
}

export function ruleFor(method: string, routeUrl: string): RouteRule | undefined {
  return ROUTE_RULES[ruleKey(method, routeUrl)];
}
