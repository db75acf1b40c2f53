import { describe, expect, it } from 'vitest';
import { graphqlDemands } from '../auth/rules/graphql-demands';
import { graphqlRequest, parseQuery, rootInputs, unsafeQuery } from './graphql-request';

const view = (args: Record<string, unknown>) => ({ args, params: {}, headers: {} });

describe('graphql requests', () => {
  it('reads POST bodies and GET queries (variables as JSON text); refuses what is not a request', () => {
    expect(graphqlRequest({ query: '{ test { output } }', variables: '{"a":1}', operationName: ['Q'] })).toEqual({
      query: '{ test { output } }',
      variables: { a: 1 },
      operationName: 'Q',
    });
    expect(() => graphqlRequest({})).toThrow(/'query'/);
    expect(() => graphqlRequest({ query: '{ a }', variables: '[1]' })).toThrow(/variables/);
    expect(() => graphqlRequest({ query: 'x'.repeat(20_001) })).toThrow(/20000 characters/);
    expect(() => parseQuery('query {')).toThrow(/Invalid GraphQL query/);
  });

  it("counts root fields through fragments and aliases everywhere (MLflow's check_query_safety)", () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: test { output }`).join(' ');
    expect(unsafeQuery(parseQuery(`{ ${fields(10)} }`))).toBeUndefined();
    expect(unsafeQuery(parseQuery(`{ ${fields(11)} }`))).toMatch(/at most 10 root fields, got 11/);
    const viaFragment = `query { ...F } fragment F on Query { ${Array.from({ length: 11 }, (_, i) => `t${i}: test { output }`).join(' ')} }`;
    expect(unsafeQuery(parseQuery(viaFragment))).toMatch(/root fields/);
    const aliases = `{ test { ${Array.from({ length: 11 }, (_, i) => `o${i}: output`).join(' ')} } }`;
    expect(unsafeQuery(parseQuery(aliases))).toMatch(/at most 10 aliases, got 11/);
    // A fragment that spreads itself does not loop.
    expect(unsafeQuery(parseQuery('query { ...F } fragment F on Query { test { output } ...F }'))).toBeUndefined();
  });

  it('auth demands: READ on every experiment and run named, variables substituted', () => {
    const query = `query Q($r: String) {
      a: mlflowGetRun(input: {runId: $r}) { run { info { runId } } }
      mlflowGetExperiment(input: {experimentId: "7"}) { experiment { name } }
      mlflowGetMetricHistoryBulkInterval(input: {runIds: ["r2", "r3"], metricKey: "m"}) { metrics { key } }
    }`;
    expect(rootInputs({ query, variables: { r: 'r1' } }).map((f) => f.field)).toEqual([
      'mlflowGetRun',
      'mlflowGetExperiment',
      'mlflowGetMetricHistoryBulkInterval',
    ]);
    expect(graphqlDemands(view({ query, variables: { r: 'r1' } }))).toEqual([
      { kind: 'experiment', ability: 'read', ids: ['7'] },
      { kind: 'run', ability: 'read', ids: ['r1', 'r2', 'r3'] },
    ]);
    const whole = 'query Q($i: MlflowSearchRunsInput) { mlflowSearchRuns(input: $i) { runs { info { runId } } } }';
    expect(
      graphqlDemands(view({ query: whole, variables: JSON.stringify({ i: { experimentIds: ['1', 2] } }) })),
    ).toEqual([{ kind: 'experiment', ability: 'read', ids: ['1', '2'] }]);
    expect(graphqlDemands(view({ query: 'query {' }))).toEqual([]);
  });
});
