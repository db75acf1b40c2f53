import * as net from 'node:net';

export interface SocketResponse {
  status: number;
  head: string;
  body: string;
}

/**
 * A request written byte for byte on a raw socket (a body shorter than its Content-Length,
 * a Host header of our choosing), with the answer parsed loosely. `waitMs` bounds the wait:
 * a server that never answers yields status 0.
 */
export function socketRequest(
  base: string,
  raw: string | Buffer,
  opts: { waitMs?: number; keepOpen?: boolean } = {},
): Promise<SocketResponse & { socket: net.Socket }> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let data = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const [head, ...rest] = data.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      if (!opts.keepOpen) socket.destroy();
      resolve({ status, head, body: rest.join('\r\n\r\n'), socket });
    };
    const timer = setTimeout(finish, opts.waitMs ?? 10_000);
    socket.on('data', (c) => {
      data += c.toString('utf8');
      const [head, body] = data.split('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(head ?? '')?.[1];
      if (body !== undefined && len !== undefined && Buffer.byteLength(body) >= Number(len)) finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(raw);
  });
}

export function requestText(method: string, path: string, headers: Record<string, string>, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
