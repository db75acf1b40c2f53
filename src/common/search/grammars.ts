/**
 * The four search grammars (mlflow-api.md §8), expressed as plain data so the parser stays
 * generic and a reviewer can check each API against the spec table by reading one object.
 */

export type Comparator = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

/**
 * What a key's value must look like:
 * - `number`: unquoted numeric literal (integer, decimal or scientific, optional sign);
 * - `integer`: like `number` but must be a safe integer (model version numbers);
 * - `string`: quoted string;
 * - `string-or-list`: quoted string, or a parenthesised list of them for IN / NOT IN.
 */
export type ValueKind = 'number' | 'integer' | 'string' | 'string-or-list';

export interface KeySpec {
  readonly kind: ValueKind;
  readonly comparators: readonly Comparator[];
  /** Drop IN-list entries containing uppercase letters (run ids are lowercase hex; MLflow does this). */
  readonly dropUppercaseFromList?: boolean;
}

export interface EntitySpec {
  /** Canonical entity name carried by parsed clauses: 'metric' | 'param' | 'tag' | 'attribute' | 'dataset'. */
  readonly entity: string;
  /** Accepted identifier prefixes, WITHOUT the trailing dot, matched case-sensitively (as MLflow). */
  readonly prefixes: readonly string[];
  /** True if identifiers without a prefix belong to this entity (exactly one entity per grammar). */
  readonly bare?: boolean;
  /** Open key space (metrics, params, tags): any key, all with this spec. */
  readonly anyKey?: KeySpec;
  /** Closed key space (attributes, dataset fields): only these canonical keys. */
  readonly keys?: Readonly<Record<string, KeySpec>>;
  /** Alternative spellings resolved to canonical keys before lookup (`created` -> `start_time`). */
  readonly aliases?: Readonly<Record<string, string>>;
}

export interface OrderBySpec {
  /** Open-key entities that may be ordered by any key (runs: metric, param, tag). */
  readonly entities: readonly string[];
  /** Orderable canonical attribute keys (attribute entity, after alias resolution). */
  readonly attributes: readonly string[];
  /** order_by-only aliases, applied after the entity's aliases (`timestamp` -> `last_updated_timestamp`). */
  readonly aliases?: Readonly<Record<string, string>>;
}

export interface SearchGrammar {
  /** Which API this grammar serves; only used for readability/debugging. */
  readonly name: 'runs' | 'experiments' | 'registered-models' | 'model-versions' | 'logged-models' | 'traces';
  readonly entities: readonly EntitySpec[];
  readonly orderBy: OrderBySpec;
}

const NUMERIC_CMP: readonly Comparator[] = ['=', '!=', '>', '>=', '<', '<='];
const STRING_CMP: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
const STRING_LIST_CMP: readonly Comparator[] = [...STRING_CMP, 'IN', 'NOT IN'];

const NUMBER: KeySpec = { kind: 'number', comparators: NUMERIC_CMP };
const STRING: KeySpec = { kind: 'string', comparators: STRING_CMP };

const TAGS: EntitySpec = { entity: 'tag', prefixes: ['tag', 'tags'], anyKey: STRING };

/** Runs string attributes accept IN / NOT IN syntactically, but only `run_id` takes a list
 * (§8.1); the parser reports the others with MLflow's "only run_id supports a list" error. */
const RUN_STRING_ATTR: KeySpec = { kind: 'string', comparators: STRING_LIST_CMP };

const RUN_ATTRIBUTES: EntitySpec = {
  entity: 'attribute',
  prefixes: ['attribute', 'attributes', 'attr', 'run'],
  bare: true,
  keys: {
    run_id: { kind: 'string-or-list', comparators: STRING_LIST_CMP, dropUppercaseFromList: true },
    run_name: RUN_STRING_ATTR,
    user_id: RUN_STRING_ATTR,
    status: RUN_STRING_ATTR,
    artifact_uri: RUN_STRING_ATTR,
    start_time: NUMBER,
    end_time: NUMBER,
  },
  aliases: {
    created: 'start_time',
    Created: 'start_time',
    'run name': 'run_name',
    'Run name': 'run_name',
    'Run Name': 'run_name',
  },
};

const DATASET_FIELD: KeySpec = { kind: 'string-or-list', comparators: STRING_LIST_CMP };

export const RUNS_GRAMMAR: SearchGrammar = deepFreeze({
  name: 'runs',
  entities: [
    { entity: 'metric', prefixes: ['metric', 'metrics'], anyKey: NUMBER },
    { entity: 'param', prefixes: ['param', 'params', 'parameter', 'parameters'], anyKey: STRING },
    TAGS,
    RUN_ATTRIBUTES,
    {
      entity: 'dataset',
      prefixes: ['dataset', 'datasets'],
      keys: { name: DATASET_FIELD, digest: DATASET_FIELD, context: DATASET_FIELD },
    },
  ],
  orderBy: {
    entities: ['metric', 'param', 'tag'],
    attributes: ['run_id', 'run_name', 'user_id', 'status', 'start_time', 'end_time', 'artifact_uri'],
  },
});

export const EXPERIMENTS_GRAMMAR: SearchGrammar = deepFreeze({
  name: 'experiments',
  entities: [
    {
      entity: 'attribute',
      prefixes: ['attribute'],
      bare: true,
      keys: { name: STRING, creation_time: NUMBER, last_update_time: NUMBER },
    },
    TAGS,
  ],
  orderBy: { entities: [], attributes: ['name', 'experiment_id', 'creation_time', 'last_update_time'] },
});

export const REGISTERED_MODELS_GRAMMAR: SearchGrammar = deepFreeze({
  name: 'registered-models',
  entities: [{ entity: 'attribute', prefixes: [], bare: true, keys: { name: STRING } }, TAGS],
  orderBy: {
    entities: [],
    // `creation_timestamp` is deliberately absent: the 2.x SQL store rejects it (§8.3).
    attributes: ['name', 'last_updated_timestamp'],
    aliases: { timestamp: 'last_updated_timestamp' },
  },
});

export const MODEL_VERSIONS_GRAMMAR: SearchGrammar = deepFreeze({
  name: 'model-versions',
  entities: [
    {
      entity: 'attribute',
      prefixes: [],
      bare: true,
      keys: {
        name: STRING,
        version_number: { kind: 'integer', comparators: NUMERIC_CMP },
        run_id: { kind: 'string-or-list', comparators: [...STRING_CMP, 'IN'] },
        source_path: STRING,
      },
    },
    TAGS,
  ],
  orderBy: {
    entities: [],
    attributes: ['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'],
  },
});

/** Grammars are shared module-level singletons; freezing stops one caller corrupting another. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
