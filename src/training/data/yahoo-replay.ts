import * as fs from 'node:fs';
import * as path from 'node:path';

interface Recording {
  request: { url: string };
  response: { status: number; statusText?: string; headers?: Record<string, string>; bodyJson: unknown };
}

/**
 * A `fetch` that answers Yahoo chart requests from recorded real responses (the
 * yahoo-finance2 test fixtures layout `{request, response}`), matched by symbol. Unknown
 * symbols get Yahoo's own 404 body; nothing touches the network.
 */
export function replayFetch(dir: string): typeof fetch {
  const bySymbol = new Map<string, Recording>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const rec = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Recording;
    const m = /\/v8\/finance\/chart\/([^?]+)/.exec(rec?.request?.url ?? '');
    if (m) bySymbol.set(decodeURIComponent(m[1]).toUpperCase(), rec);
  }
  return (async (input: string | URL | Request) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const m = /\/v8\/finance\/chart\/([^?]+)/.exec(url);
    const rec = m ? bySymbol.get(decodeURIComponent(m[1]).toUpperCase()) : undefined;
    if (!rec) {
      const body = {
        chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } },
      };
      return new Response(JSON.stringify(body), { status: 404, headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify(rec.response.bodyJson), {
      status: rec.response.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
}
