import * as fs from 'node:fs';
import * as path from 'node:path';

/** A JSON schema as openapi.json writes them (the subset the fuzzer reads). */
export interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  example?: unknown;
}

export interface Operation {
  method: string;
  /** Path template with `{param}` placeholders, e.g. /api/2.0/mlflow/logged-models/{model_id}. */
  path: string;
  pathParams: string[];
  query: { name: string; schema: Schema; required: boolean }[];
  /** JSON body schema, when the operation takes one. */
  body?: Schema;
  /** Content types the operation declares (raw uploads: text/csv, application/octet-stream). */
  contentTypes: string[];
}

interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

const str: Schema = { type: 'string' };

/** Routes the UI calls that openapi.json leaves out (ajax-api only). */
const UNDOCUMENTED: Operation[] = [
  {
    method: 'GET',
    path: '/ajax-api/2.0/mlflow/metrics/get-history-bulk',
    pathParams: [],
    query: ['run_id', 'metric_key', 'max_results'].map((name) => ({ name, schema: str, required: false })),
    contentTypes: [],
  },
  {
    method: 'POST',
    path: '/ajax-api/2.0/mlflow/experiments/search-datasets',
    pathParams: [],
    query: [],
    body: { type: 'object', properties: { experiment_ids: { type: 'array', items: str } } },
    contentTypes: ['application/json'],
  },
  {
    method: 'POST',
    path: '/ajax-api/2.0/mlflow/upload-artifact',
    pathParams: [],
    query: ['run_uuid', 'path'].map((name) => ({ name, schema: str, required: false })),
    contentTypes: ['application/octet-stream'],
  },
];

/** Every operation of openapi.json, plus the /ajax-api twin of each MLflow route and the UI-only routes. */
export function loadOperations(file = path.join(__dirname, '../../../../openapi.json')): Operation[] {
  const spec = JSON.parse(fs.readFileSync(fs.existsSync(file) ? file : path.resolve('openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  const ops: Operation[] = [];
  for (const [route, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      const base: Operation = {
        method: method.toUpperCase(),
        path: route,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema ?? {}, required: p.required ?? false })),
        body: content['application/json']?.schema,
        contentTypes: Object.keys(content),
      };
      ops.push(base);
      if (route.startsWith('/api/2.0/') || route.startsWith('/api/3.0/'))
        ops.push({ ...base, path: route.replace(/^\/api\//, '/ajax-api/') });
    }
  }
  return [...ops, ...UNDOCUMENTED];
}
