/**
 * The tracking endpoints as data, for table-driven bad-input tests: a valid request for each,
 * and which of its fields are required, strings, int64, doubles, enums, repeated or keys.
 */
export interface Ctx {
  exp: string;
  run: string;
}

export interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  /** Also served with the other method (experiments/search). */
  alsoGet?: boolean;
  valid: (c: Ctx) => Record<string, unknown>;
  required?: string[];
  /** Plain string fields (a number, bool, object or list there is a 400). */
  strings?: string[];
  /** Experiment-id fields: numbers are accepted, bools/objects are not. */
  numericStrings?: string[];
  int64?: string[];
  doubles?: string[];
  enums?: string[];
  repeated?: string[];
  /** Fields holding metric/param/tag keys (set directly or via a path into the valid body). */
  keys?: ((c: Ctx, key: string) => Record<string, unknown>)[];
  /** Replacing these ids with unknown ones gives 404. */
  unknownRun?: boolean;
  unknownExp?: boolean;
  /** Accepts filter / order_by / page_token / max_results. */
  search?: { filter: boolean; token: boolean; badMax: unknown[] };
}

const RUN_FIELDS = { strings: ['run_id', 'run_uuid'] };
const UNKNOWN_EXP = '987654321';
export const UNKNOWN_RUN = 'f'.repeat(32);
export { UNKNOWN_EXP };

const metric = (key = 'm') => ({ key, value: 1.5, timestamp: 1, step: 0 });

export const ENDPOINTS: Endpoint[] = [
  {
    method: 'POST',
    path: 'experiments/create',
    valid: () => ({ name: 'x', artifact_location: 's3://b/p', tags: [{ key: 'k', value: 'v' }] }),
    required: ['name'],
    strings: ['name', 'artifact_location'],
    repeated: ['tags'],
    keys: [(_c, key) => ({ name: 'x', tags: [{ key, value: 'v' }] })],
  },
  {
    method: 'GET',
    path: 'experiments/get',
    valid: (c) => ({ experiment_id: c.exp }),
    required: ['experiment_id'],
    numericStrings: ['experiment_id'],
    unknownExp: true,
  },
  {
    method: 'GET',
    path: 'experiments/get-by-name',
    valid: () => ({ experiment_name: 'victim' }),
    required: ['experiment_name'],
    strings: ['experiment_name'],
  },
  {
    method: 'POST',
    path: 'experiments/search',
    alsoGet: true,
    valid: () => ({ max_results: 10, filter: "name = 'victim'", order_by: ['name'], view_type: 'ALL' }),
    strings: ['filter', 'page_token'],
    int64: ['max_results'],
    enums: ['view_type'],
    repeated: ['order_by'],
    search: { filter: true, token: true, badMax: [-1, 50001, 'abc', 1.5, 1e20] },
  },
  {
    method: 'POST',
    path: 'experiments/update',
    valid: (c) => ({ experiment_id: c.exp, new_name: 'x' }),
    required: ['experiment_id', 'new_name'],
    numericStrings: ['experiment_id'],
    strings: ['new_name'],
    unknownExp: true,
  },
  {
    method: 'POST',
    path: 'experiments/delete',
    valid: (c) => ({ experiment_id: c.exp }),
    required: ['experiment_id'],
    numericStrings: ['experiment_id'],
    unknownExp: true,
  },
  {
    method: 'POST',
    path: 'experiments/restore',
    valid: (c) => ({ experiment_id: c.exp }),
    required: ['experiment_id'],
    numericStrings: ['experiment_id'],
    unknownExp: true,
  },
  {
    method: 'POST',
    path: 'experiments/set-experiment-tag',
    valid: (c) => ({ experiment_id: c.exp, key: 'k', value: 'v' }),
    required: ['experiment_id', 'key'],
    numericStrings: ['experiment_id'],
    strings: ['key', 'value'],
    unknownExp: true,
    keys: [(c, key) => ({ experiment_id: c.exp, key, value: 'v' })],
  },
  {
    method: 'POST',
    path: 'experiments/delete-experiment-tag',
    valid: (c) => ({ experiment_id: c.exp, key: 'k' }),
    required: ['experiment_id', 'key'],
    numericStrings: ['experiment_id'],
    strings: ['key'],
    unknownExp: true,
    keys: [(c, key) => ({ experiment_id: c.exp, key })],
  },
  {
    method: 'POST',
    path: 'runs/create',
    valid: (c) => ({
      experiment_id: c.exp,
      user_id: 'u',
      run_name: 'n',
      start_time: 1,
      tags: [{ key: 'k', value: 'v' }],
    }),
    numericStrings: ['experiment_id'],
    strings: ['user_id', 'run_name'],
    int64: ['start_time'],
    repeated: ['tags'],
    unknownExp: true,
    keys: [(c, key) => ({ experiment_id: c.exp, tags: [{ key, value: 'v' }] })],
  },
  {
    method: 'GET',
    path: 'runs/get',
    valid: (c) => ({ run_id: c.run }),
    required: ['run_id'],
    ...RUN_FIELDS,
    unknownRun: true,
  },
  {
    method: 'POST',
    path: 'runs/update',
    valid: (c) => ({ run_id: c.run, status: 'FINISHED', end_time: 5, run_name: 'n' }),
    required: ['run_id'],
    strings: ['run_id', 'run_uuid', 'run_name'],
    int64: ['end_time'],
    enums: ['status'],
    unknownRun: true,
  },
  {
    method: 'POST',
    path: 'runs/delete',
    valid: (c) => ({ run_id: c.run }),
    required: ['run_id'],
    ...RUN_FIELDS,
    unknownRun: true,
  },
  {
    method: 'POST',
    path: 'runs/restore',
    valid: (c) => ({ run_id: c.run }),
    required: ['run_id'],
    ...RUN_FIELDS,
    unknownRun: true,
  },
  {
    method: 'POST',
    path: 'runs/search',
    valid: (c) => ({
      experiment_ids: [c.exp],
      filter: "params.p = 'x'",
      run_view_type: 'ALL',
      max_results: 10,
      order_by: ['metrics.m DESC'],
    }),
    strings: ['filter', 'page_token'],
    int64: ['max_results'],
    enums: ['run_view_type'],
    repeated: ['experiment_ids', 'order_by'],
    search: { filter: true, token: true, badMax: [-1, 50001, 'abc', 1.5, 1e20] },
  },
  {
    method: 'POST',
    path: 'runs/log-metric',
    valid: (c) => ({ run_id: c.run, key: 'm', value: 2, timestamp: 3, step: 4 }),
    required: ['run_id', 'key', 'value', 'timestamp'],
    strings: ['run_id', 'run_uuid', 'key'],
    int64: ['timestamp', 'step'],
    doubles: ['value'],
    unknownRun: true,
    keys: [(c, key) => ({ run_id: c.run, key, value: 1, timestamp: 1 })],
  },
  {
    method: 'POST',
    path: 'runs/log-parameter',
    valid: (c) => ({ run_id: c.run, key: 'fresh', value: 'v' }),
    required: ['run_id', 'key'],
    strings: ['run_id', 'run_uuid', 'key', 'value'],
    unknownRun: true,
    keys: [(c, key) => ({ run_id: c.run, key, value: 'v' })],
  },
  {
    method: 'POST',
    path: 'runs/set-tag',
    valid: (c) => ({ run_id: c.run, key: 't', value: 'v' }),
    required: ['run_id', 'key'],
    strings: ['run_id', 'run_uuid', 'key', 'value'],
    unknownRun: true,
    keys: [(c, key) => ({ run_id: c.run, key, value: 'v' })],
  },
  {
    method: 'POST',
    path: 'runs/delete-tag',
    valid: (c) => ({ run_id: c.run, key: 'victim-tag' }),
    required: ['run_id', 'key'],
    strings: ['run_id', 'run_uuid', 'key'],
    unknownRun: true,
    keys: [(c, key) => ({ run_id: c.run, key })],
  },
  {
    method: 'POST',
    path: 'runs/log-batch',
    valid: (c) => ({
      run_id: c.run,
      metrics: [metric()],
      params: [{ key: 'fresh', value: 'v' }],
      tags: [{ key: 't', value: 'v' }],
    }),
    required: ['run_id'],
    strings: ['run_id'],
    repeated: ['metrics', 'params', 'tags'],
    unknownRun: true,
    keys: [
      (c, key) => ({ run_id: c.run, metrics: [metric(), metric(key)] }),
      (c, key) => ({ run_id: c.run, params: [{ key, value: 'v' }] }),
      (c, key) => ({
        run_id: c.run,
        tags: [
          { key: 'ok', value: 'v' },
          { key, value: 'v' },
        ],
      }),
    ],
  },
  {
    method: 'POST',
    path: 'runs/log-inputs',
    valid: (c) => ({
      run_id: c.run,
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'x' }],
          dataset: { name: 'd', digest: 'g', source_type: 'local', source: '{}' },
        },
      ],
    }),
    // As MLflow 2.x: `datasets` is required unless MLflow 3's `models` is given instead.
    required: ['run_id', 'datasets'],
    strings: ['run_id'],
    repeated: ['datasets', 'models'],
    unknownRun: true,
  },
  {
    method: 'POST',
    path: 'runs/log-model',
    valid: (c) => ({
      run_id: c.run,
      model_json: JSON.stringify({ run_id: c.run, artifact_path: 'm', utc_time_created: 't', flavors: {} }),
    }),
    required: ['run_id', 'model_json'],
    strings: ['run_id', 'model_json'],
    unknownRun: true,
  },
  {
    method: 'GET',
    path: 'metrics/get-history',
    valid: (c) => ({ run_id: c.run, metric_key: 'm', max_results: 5 }),
    required: ['run_id', 'metric_key'],
    strings: ['run_id', 'run_uuid', 'metric_key', 'page_token'],
    int64: ['max_results'],
    unknownRun: true,
    search: { filter: false, token: true, badMax: [-1, 100001, 'abc', 1.5] },
  },
  {
    method: 'GET',
    path: 'metrics/get-history-bulk-interval',
    valid: (c) => ({ run_ids: [c.run], metric_key: 'm', start_step: 0, end_step: 10, max_results: 5 }),
    required: ['run_ids', 'metric_key'],
    strings: ['metric_key'],
    int64: ['start_step', 'end_step'],
    repeated: ['run_ids'],
    search: { filter: false, token: false, badMax: [0, -1, 2501, 50001, 'abc'] },
  },
];

/** Keys that MLflow's key validation rejects (§7.1): traversal, `/` abuse, charset, length. */
export const BAD_KEYS = [
  '../a',
  'a/../b',
  '/a',
  'a//b',
  './a',
  'a/',
  '.',
  '..',
  'a/.',
  'k'.repeat(251),
  'a$b',
  'a\\b',
  'a\u0000b',
  '',
  'a\nb',
];

/** Filters that must be rejected, several of them 10k characters long. */
export const BAD_FILTERS = [
  'x'.repeat(10_000),
  `name = '${'a'.repeat(10_000)}`,
  '('.repeat(10_000),
  `${"tags.t = 'a' AND ".repeat(600)}tags.t = 'a'`,
  `tags.\`${'a'.repeat(10_000)}`,
  `${'tags.t = '.repeat(1000)}'a'`,
  "tags.t = 'a' OR tags.t = 'b'",
  "tags.t = 'a' AND",
  'AND',
  "tags.t == 'a'",
  "tags.t = 'a' tags.u = 'b'",
];

/** Page tokens that must be rejected. */
export const BAD_TOKENS = [
  'junk',
  '%%%',
  Buffer.from('[]').toString('base64'),
  Buffer.from('{"offset": "a"}').toString('base64'),
  Buffer.from('{"offset": -1}').toString('base64'),
  Buffer.from('{"offset": 1.5}').toString('base64'),
  Buffer.from('{"offset": 1e400}').toString('base64'),
  'x'.repeat(5000),
];
