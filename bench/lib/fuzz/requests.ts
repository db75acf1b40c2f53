import fc from 'fast-check';
import type { Operation } from './operations';
import { anyJson, hostileString, numberTokens, objectOf, RAW_NUMBER, valueOf } from './values';

export interface FuzzRequest {
  method: string;
  /** Path and query exactly as sent (already encoded, or deliberately not). */
  path: string;
  /** A list value sends the header once per value (`$HOST` stands for the server's own Host). */
  headers: Record<string, string | string[]>;
  body?: string;
  /** The operation it was derived from (for reports). */
  op: string;
}

/** encodeURIComponent, with lone surrogates (which it refuses) replaced first. */
export function encode(text: string): string {
  return encodeURIComponent(
    text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );
}

function encodeValue(v: unknown): string {
  if (typeof v === 'string' && v.startsWith(RAW_NUMBER)) return encode(v.slice(RAW_NUMBER.length));
  return encode(typeof v === 'string' ? v : numberTokens(JSON.stringify(v) ?? ''));
}

/** A path parameter: plausible, hostile, or mis-encoded on purpose. */
const pathValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: hostileString().map(encode) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%00', '..', '.', 'a%2Fb', '%2e%2e%2f', '1') },
  );

function queryOf(op: Operation): fc.Arbitrary<string> {
  const pairs = op.query.map((q) =>
    fc.option(
      fc.oneof(
        { weight: 3, arbitrary: valueOf(q.schema).map((v) => [`${q.name}=${encodeValue(v)}`]) },
        // Repeated parameters (they became arrays where handlers expected strings).
        {
          weight: 1,
          arbitrary: fc
            .array(valueOf(q.schema), { minLength: 2, maxLength: 3 })
            .map((vs) => vs.map((v) => `${q.name}=${encodeValue(v)}`)),
        },
      ),
      { nil: undefined, freq: 3 },
    ),
  );
  const extra = fc.option(
    fc.tuple(fc.string({ maxLength: 6 }), hostileString()).map(([k, v]) => [`${encodeValue(k)}=${encodeValue(v)}`]),
    { nil: undefined, freq: 3 },
  );
  // Body fields repeated in the query, once or twice (rules and handlers must agree on which counts).
  const bodyNames = Object.keys(op.body?.properties ?? {});
  const shadow = fc.option(
    fc
      .tuple(
        fc.constantFrom(...(bodyNames.length > 0 ? bodyNames : ['name'])),
        fc.array(hostileString(), { minLength: 1, maxLength: 2 }),
      )
      .map(([k, vs]) => vs.map((v) => `${encodeValue(k)}=${encodeValue(v)}`)),
    { nil: undefined, freq: 4 },
  );
  return fc.tuple(...pairs, extra, shadow).map((parts) => {
    const all = parts.filter((p): p is string[] => p !== undefined).flat();
    return all.length > 0 ? `?${all.join('&')}` : '';
  });
}

/** A body: the schema's message with wrong and missing fields, any JSON, or not JSON at all. */
function bodyOf(op: Operation): fc.Arbitrary<{ body?: string; type?: string }> {
  const json = op.body ? objectOf(op.body) : anyJson();
  const raw = op.contentTypes.find((t) => t !== 'application/json');
  return fc.oneof(
    { weight: 6, arbitrary: json.map((v) => ({ body: numberTokens(JSON.stringify(v)), type: 'application/json' })) },
    { weight: 1, arbitrary: anyJson().map((v) => ({ body: JSON.stringify(v), type: 'application/json' })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{', '{"a":', 'null', '[1,2]', '"x"', '{"a":1}{"b":2}', '\u0000', '{"x": NaN}', '1e999')
        .map((b) => ({ body: b, type: 'application/json' })),
    },
    { weight: 1, arbitrary: fc.constant({ body: '{}', type: 'text/plain' }) },
    { weight: 1, arbitrary: fc.constant({}) },
    ...(raw ? [{ weight: 3, arbitrary: fc.string({ maxLength: 200 }).map((b) => ({ body: b, type: raw })) }] : []),
  );
}

/** Headers: mostly ordinary, sometimes hostile (credentials, hosts, origins). */
const headersOf = (): fc.Arbitrary<Record<string, string | string[]>> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant({}) },
    // Single-valued headers sent twice, the valid value first (the edge must refuse, not pick one).
    {
      weight: 1,
      arbitrary: fc.constantFrom<Record<string, string[]>>(
        { host: ['$HOST', 'evil.example'] },
        { host: ['$HOST', '$HOST'] },
        { authorization: ['Basic Zm9vOmJhcg==', 'Bearer nope'] },
        { 'content-type': ['application/json', 'text/plain'] },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record(
        {
          authorization: fc.constantFrom('Basic Zm9vOmJhcg==', 'Bearer nope', 'Basic !!!', 'Negotiate x', 'Basic '),
          'x-mlflow-experiment-id': fc.constantFrom('0', '1', 'abc', '-1', '99999999999999999999'),
          origin: fc.constantFrom('https://evil.example', 'null'),
        },
        { requiredKeys: [] },
      ),
    },
  );

export function requestOf(op: Operation): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(...op.pathParams.map(() => pathValue()));
  return fc.tuple(params, queryOf(op), bodyOf(op), headersOf(), fc.nat(4)).map(([values, query, body, headers, n]) => {
    let path = op.path;
    op.pathParams.forEach((name, i) => {
      path = path.replace(`{${name}}`, values[i] || 'x');
    });
    const h: Record<string, string | string[]> = { ...headers };
    if (body.type && h['content-type'] === undefined) h['content-type'] = body.type;
    // GET and DELETE mostly without a body, as clients send them.
    const sendBody = op.method === 'POST' || op.method === 'PUT' || op.method === 'PATCH' || n === 0;
    return {
      method: op.method,
      path: `${path}${query}`,
      headers: h,
      body: sendBody ? body.body : undefined,
      op: `${op.method} ${op.path}`,
    };
  });
}

/** `count` requests spread evenly over every operation, reproducible from `seed`. */
export function generateRequests(ops: Operation[], count: number, seed: number): FuzzRequest[] {
  const per = Math.max(1, Math.ceil(count / ops.length));
  const out: FuzzRequest[] = [];
  ops.forEach((op, i) => out.push(...fc.sample(requestOf(op), { numRuns: per, seed: seed + i })));
  // Interleave operations, so concurrent requests hit different routes.
  return fc.sample(fc.shuffledSubarray(out, { minLength: out.length }), { numRuns: 1, seed })[0].slice(0, count);
}
