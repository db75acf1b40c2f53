import type { SearchGrammar } from '../common/search';

const NUMBER = { kind: 'number', comparators: ['=', '!=', '>', '>=', '<', '<='] } as const;
const STRING = { kind: 'string-or-list', comparators: ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'] } as const;
const KEYED = { kind: 'string', comparators: ['=', '!=', 'LIKE', 'ILIKE'] } as const;

/**
 * search-traces filter grammar (mlflow3-api.md §9.2 X5): attributes bare or with `trace.` /
 * `attributes.`, plus `tags.` and `metadata.`. GenAI keys (span.*, feedback.*) are not
 * identifiers here and answer 400.
 */
export const TRACES_GRAMMAR: SearchGrammar = Object.freeze({
  name: 'traces',
  entities: [
    {
      entity: 'attribute',
      prefixes: ['trace', 'attributes', 'attribute'],
      bare: true,
      keys: {
        timestamp_ms: NUMBER,
        execution_time_ms: NUMBER,
        end_time_ms: NUMBER,
        request_id: STRING,
        status: STRING,
        client_request_id: STRING,
        name: STRING,
        run_id: STRING,
      },
      aliases: {
        timestamp: 'timestamp_ms',
        trace_id: 'request_id',
        state: 'status',
        execution_time: 'execution_time_ms',
      },
    },
    { entity: 'tag', prefixes: ['tags', 'tag'], anyKey: KEYED },
    { entity: 'metadata', prefixes: ['metadata', 'request_metadata'], anyKey: KEYED },
  ],
  orderBy: {
    entities: ['tag', 'metadata'],
    attributes: [
      'experiment_id',
      'timestamp_ms',
      'execution_time_ms',
      'end_time_ms',
      'request_id',
      'status',
      'client_request_id',
      'name',
    ],
  },
});
