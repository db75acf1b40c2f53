import { Injectable } from '@nestjs/common';
import {
  buildSchema,
  execute,
  GraphQLError,
  GraphQLScalarType,
  type GraphQLSchema,
  Kind,
  type ValueNode,
  validate,
} from 'graphql';
import { GraphqlContext, GraphqlResolvers } from './graphql.resolvers';
import { type GraphqlRequest, parseQuery, unsafeQuery } from '../common/graphql-request';
import { MLFLOW_GRAPHQL_SDL } from './schema';

/** MLflow's answer: `data`, and `errors` as a list of messages (null when none). */
export interface GraphqlAnswer {
  data: unknown;
  errors: string[] | null;
}

function toLong(value: unknown): number {
  const n = typeof value === 'string' && /^-?\d{1,18}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    throw new GraphQLError(`LongString cannot represent ${String(value)}`);
  return n;
}

/** int64 as a string on the way out (MLflow's LongString), an integer literal or value on the way in. */
function longString(schema: GraphQLSchema): void {
  const scalar = schema.getType('LongString') as GraphQLScalarType;
  scalar.serialize = (v: unknown) => String(v);
  scalar.parseValue = toLong;
  scalar.parseLiteral = (node: ValueNode) => {
    if (node.kind === Kind.INT || node.kind === Kind.STRING) return toLong(node.value);
    throw new GraphQLError('LongString expects an integer.');
  };
}

/** Executes MLflow's GraphQL schema (graphql-js) after MLflow's query-safety checks. */
@Injectable()
export class GraphqlService {
  private readonly schema: GraphQLSchema;

  constructor(private readonly resolvers: GraphqlResolvers) {
    this.schema = buildSchema(MLFLOW_GRAPHQL_SDL);
    longString(this.schema);
  }

  async run(req: GraphqlRequest, context: GraphqlContext): Promise<GraphqlAnswer> {
    const document = parseQuery(req.query);
    const unsafe = unsafeQuery(document);
    if (unsafe) return { data: null, errors: [unsafe] };
    const invalid = validate(this.schema, document);
    if (invalid.length > 0) return { data: null, errors: invalid.map((e) => e.message) };
    const result = await execute({
      schema: this.schema,
      document,
      rootValue: this.resolvers.root(),
      contextValue: context,
      variableValues: req.variables,
      operationName: req.operationName,
    });
    return { data: result.data ?? null, errors: result.errors?.length ? result.errors.map((e) => e.message) : null };
  }
}
