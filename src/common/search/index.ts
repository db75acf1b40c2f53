/** Search grammar shared by search-runs, search-experiments, and the two registry searches. */
export { type Clause, type Comparator, parseFilter } from './filter-parser';
export {
  EXPERIMENTS_GRAMMAR,
  type EntitySpec,
  type KeySpec,
  MODEL_VERSIONS_GRAMMAR,
  type OrderBySpec,
  REGISTERED_MODELS_GRAMMAR,
  RUNS_GRAMMAR,
  type SearchGrammar,
  type ValueKind,
} from './grammars';
export { type OrderKey, parseOrderBy } from './order-by';
export { decodePageToken, encodePageToken, type PageToken, type Seek, seekableKey } from './page-token';
export { parseSearch } from './search-query';
