/**
 * Logged-model search arguments (mlflow3-api.md §3 L6): the MLflow filter grammar with the
 * logged-model identifiers, `order_by` objects, and MLflow's page tokens (base64 JSON of the
 * query plus an offset, checked against the request so a token cannot be replayed elsewhere).
 */
import { MlflowError } from '../../common/mlflow-error';
import { parseFilter, type SearchGrammar } from '../../common/search';
import { checkSearchSize } from '../../common/validation';
import type { DatasetFilter, ModelOrderKey } from './logged-model.types';

const NUMERIC = { kind: 'number', comparators: ['=', '!=', '>', '>=', '<', '<='] } as const;
const STRINGS = { kind: 'string-or-list', comparators: ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'] } as const;

const ATTRIBUTE_ALIASES: Readonly<Record<string, string>> = {
  creation_time: 'creation_timestamp_ms',
  creation_timestamp: 'creation_timestamp_ms',
  last_updated_timestamp: 'last_updated_timestamp_ms',
};

export const LOGGED_MODELS_GRAMMAR: SearchGrammar = Object.freeze({
  name: 'logged-models',
  entities: [
    { entity: 'metric', prefixes: ['metrics'], anyKey: NUMERIC },
    { entity: 'param', prefixes: ['params'], anyKey: STRINGS },
    { entity: 'tag', prefixes: ['tags'], anyKey: STRINGS },
    {
      entity: 'attribute',
      prefixes: ['attributes'],
      bare: true,
      keys: {
        name: STRINGS,
        model_id: STRINGS,
        model_type: STRINGS,
        source_run_id: STRINGS,
        status: STRINGS,
        experiment_id: STRINGS,
        artifact_location: STRINGS,
        creation_timestamp_ms: NUMERIC,
        last_updated_timestamp_ms: NUMERIC,
      },
      aliases: ATTRIBUTE_ALIASES,
    },
  ],
  orderBy: { entities: [], attributes: [] },
});

const ORDERABLE = new Set([
  'name',
  'model_id',
  'model_type',
  'source_run_id',
  'status',
  'experiment_id',
  'artifact_location',
  'creation_timestamp_ms',
  'last_updated_timestamp_ms',
]);

export interface OrderByWire {
  field_name: string;
  ascending?: boolean;
  dataset_name?: string;
  dataset_digest?: string;
}

export function parseModelFilter(filter: string | undefined) {
  return parseFilter(filter, LOGGED_MODELS_GRAMMAR);
}

function orderField(name: string): ModelOrderKey['field'] {
  const dot = name.indexOf('.');
  const prefix = dot < 0 ? undefined : name.slice(0, dot);
  const rest = dot < 0 ? name : name.slice(dot + 1).replace(/^`(.*)`$/, '$1');
  if (prefix === 'metrics' && rest) return { metric: rest };
  if (prefix !== undefined && prefix !== 'attributes') {
    throw MlflowError.invalid(`Invalid order by field name: ${name}. Only metrics are supported.`);
  }
  const attribute = ATTRIBUTE_ALIASES[rest] ?? rest;
  if (!ORDERABLE.has(attribute)) throw MlflowError.invalid(`Invalid order by field name: ${name}`);
  return { attribute };
}

export function parseModelOrderBy(orderBy: OrderByWire[] | undefined): ModelOrderKey[] {
  const keys = (orderBy ?? []).map((o) => ({
    field: orderField(o.field_name),
    ascending: o.ascending ?? true,
    dataset: o.dataset_name ? { name: o.dataset_name, digest: o.dataset_digest } : undefined,
  }));
  checkSearchSize([], keys);
  return keys;
}

export function parseDatasets(datasets: { dataset_name?: string; dataset_digest?: string }[] | undefined) {
  return (datasets ?? []).map((d): DatasetFilter => {
    if (!d.dataset_name) throw MlflowError.invalid('`dataset_name` in the `datasets` clause must be specified.');
    return d.dataset_digest ? { name: d.dataset_name, digest: d.dataset_digest } : { name: d.dataset_name };
  });
}

/** What a page token pins: the query it was issued for and where the next page starts. */
interface TokenBody {
  experiment_ids: string[];
  filter_string: string | null;
  order_by: OrderByWire[];
  offset: number;
}

function tokenQuery(experimentIds: string[], filter: string | undefined, orderBy: OrderByWire[] | undefined) {
  return {
    experiment_ids: experimentIds,
    filter_string: filter ?? null,
    order_by: (orderBy ?? []).map((o) => ({
      field_name: o.field_name,
      ascending: o.ascending ?? true,
      dataset_name: o.dataset_name ?? null,
      dataset_digest: o.dataset_digest ?? null,
    })),
  };
}

export function encodeModelPageToken(
  experimentIds: string[],
  filter: string | undefined,
  orderBy: OrderByWire[] | undefined,
  offset: number,
): string {
  return Buffer.from(JSON.stringify({ ...tokenQuery(experimentIds, filter, orderBy), offset })).toString('base64');
}

/** The offset a token resumes at (0 without a token); 400 for garbage or another query's token. */
export function decodeModelPageToken(
  token: string | undefined,
  experimentIds: string[],
  filter: string | undefined,
  orderBy: OrderByWire[] | undefined,
): number {
  if (!token) return 0;
  let body: TokenBody;
  try {
    if (token.length > 65_536) throw new Error('too long');
    body = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as TokenBody;
  } catch (err) {
    throw MlflowError.invalid(`Invalid page token: ${(err as Error).message.slice(0, 100)}`);
  }
  if (!body || typeof body !== 'object' || !Number.isSafeInteger(body.offset) || body.offset < 0) {
    throw MlflowError.invalid('Invalid page token: offset must be a non-negative integer');
  }
  const expected = tokenQuery(experimentIds, filter, orderBy);
  for (const field of ['experiment_ids', 'filter_string', 'order_by'] as const) {
    if (JSON.stringify(body[field] ?? null) !== JSON.stringify(expected[field])) {
      throw MlflowError.invalid(`Search parameters (${field}) in the page token do not match the request.`);
    }
  }
  return body.offset;
}
