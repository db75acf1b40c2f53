import * as http from 'node:http';
import type { Readable } from 'node:stream';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: any;
}

/**
 * One HTTP request with the path sent byte for byte as given (fetch would normalise `..`,
 * `//` and backslashes, which hides exactly what artifact security tests must send).
 */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  body?: Buffer | string | Readable,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const url = new URL(base);
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    // Without it Node sends a GET body with neither Content-Length nor chunking.
    headers = { 'content-length': String(Buffer.byteLength(body)), ...headers };
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = JSON.parse(buf.toString('utf8'));
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, json });
      });
    });
    req.on('error', reject);
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}
