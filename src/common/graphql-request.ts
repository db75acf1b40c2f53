/** Pure parsing and safety checks of a GraphQL request (no schema, no I/O). */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  parse,
  type SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';
import { MlflowError } from './mlflow-error';

export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** MLflow's defaults (MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS, _MAX_ALIASES), plus bounds on size and depth. */
export const GRAPHQL_LIMITS = { rootFields: 10, aliases: 10, depth: 12, queryChars: 20_000 } as const;

function variablesOf(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let v = raw;
  if (typeof raw === 'string') {
    try {
      v = JSON.parse(raw);
    } catch {
      throw MlflowError.invalid("Invalid value for parameter 'variables': expected a JSON object.");
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw MlflowError.invalid("Invalid value for parameter 'variables': expected a JSON object.");
  }
  return v as Record<string, unknown>;
}

/** `{query, variables, operationName}` from a POST body or GET query string (variables as JSON text there). */
export function graphqlRequest(args: Record<string, unknown>): GraphqlRequest {
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const query = first(args.query);
  if (typeof query !== 'string' || query.trim() === '') {
    throw MlflowError.invalid("Missing value for required parameter 'query'.");
  }
  if (query.length > GRAPHQL_LIMITS.queryChars) {
    throw MlflowError.invalid(`GraphQL query exceeds ${GRAPHQL_LIMITS.queryChars} characters.`);
  }
  const operationName = first(args.operationName);
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw MlflowError.invalid("Invalid value for parameter 'operationName'.");
  }
  return { query, variables: variablesOf(first(args.variables)), operationName: operationName ?? undefined };
}

/** The parsed document; a syntax error is the client's (400), never a 5xx. */
export function parseQuery(query: string): DocumentNode {
  try {
    return parse(query, { maxTokens: 5_000 });
  } catch (err) {
    throw MlflowError.invalid(`Invalid GraphQL query: ${(err as Error).message}`);
  }
}

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  aliases: number;
  maxDepth: number;
}

/** Fields of a selection set, fragments inlined (each fragment once per path, so cycles end). */
export function fieldsOf(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
) {
  const out: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(s.selectionSet, fragments, seen));
    else {
      const f = fragments.get(s.name.value);
      if (f && !seen.has(f.name.value))
        out.push(...fieldsOf(f.selectionSet, fragments, new Set([...seen, f.name.value])));
    }
  }
  return out;
}

function walk(set: SelectionSetNode, depth: number, w: Walk): void {
  w.maxDepth = Math.max(w.maxDepth, depth);
  if (depth > GRAPHQL_LIMITS.depth) return;
  for (const field of fieldsOf(set, w.fragments)) {
    if (field.alias) w.aliases += 1;
    if (field.selectionSet) walk(field.selectionSet, depth + 1, w);
  }
}

/** MLflow's check_query_safety (root fields, aliases) plus a depth bound: the message, or undefined when safe. */
export function unsafeQuery(doc: DocumentNode): string | undefined {
  const fragments = new Map(
    doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const w: Walk = { fragments, aliases: 0, maxDepth: 0 };
  let roots = 0;
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    roots += fieldsOf(def.selectionSet, fragments).length;
    walk(def.selectionSet, 1, w);
  }
  if (roots > GRAPHQL_LIMITS.rootFields) {
    return `GraphQL queries should have at most ${GRAPHQL_LIMITS.rootFields} root fields, got ${roots} root fields.`;
  }
  if (w.aliases > GRAPHQL_LIMITS.aliases) {
    return `GraphQL queries should have at most ${GRAPHQL_LIMITS.aliases} aliases, got ${w.aliases} aliases.`;
  }
  if (w.maxDepth > GRAPHQL_LIMITS.depth)
    return `GraphQL queries should be at most ${GRAPHQL_LIMITS.depth} levels deep.`;
  return undefined;
}

/** The `input` argument of every root field (variables substituted), by field name: what auth rules look at. */
export function rootInputs(req: GraphqlRequest): { field: string; input: Record<string, unknown> }[] {
  const doc = parseQuery(req.query);
  const fragments = new Map(
    doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const out: { field: string; input: Record<string, unknown> }[] = [];
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const field of fieldsOf(def.selectionSet, fragments)) {
      const arg = field.arguments?.find((a) => a.name.value === 'input');
      const value = arg ? valueFromASTUntyped(arg.value, req.variables) : undefined;
      out.push({
        field: field.name.value,
        input: value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {},
      });
    }
  }
  return out;
}
