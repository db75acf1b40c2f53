import type { Readable } from 'node:stream';
import { ErrorCode, MlflowError } from '../mlflow-error';
import { parseJsonWithFloats } from '../proto/float-literals';

/** How long a request body may send nothing before it is cut (set once from the config by configureHttp). */
let bodyIdleTimeoutMs = 30_000;

export function setBodyIdleTimeout(ms: number): void {
  bodyIdleTimeoutMs = ms;
}

/** The 408 of a body that sent nothing for `idleMs` (the stream is not destroyed: the answer still goes out). */
const idleTimeout = (idleMs: number) =>
  new MlflowError(ErrorCode.REQUEST_TIMEOUT, `Request body incomplete: nothing received for ${idleMs} ms.`);

/**
 * The chunks of a request body, failing with 408 when nothing arrives for the idle timeout (a
 * slow client, or a body shorter than its Content-Length, would otherwise hold the request forever).
 */
export async function* bodyChunks(stream: Readable, idleMs = bodyIdleTimeoutMs): AsyncGenerator<Buffer> {
  const chunks = stream[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const idle = () =>
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(idleTimeout(idleMs)), idleMs);
    });
  try {
    for (;;) {
      const next = await Promise.race([chunks.next(), idle()]);
      clearTimeout(timer);
      if (next.done) return;
      yield next.value as Buffer;
    }
  } catch (err) {
    throw clientAbort(err);
  } finally {
    clearTimeout(timer);
  }
}

/** A client that hangs up mid-body is not a server error: 400, logged as nothing worse. */
function clientAbort(err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  if (e?.code === 'ECONNRESET' || e?.code === 'ERR_STREAM_PREMATURE_CLOSE' || e?.message === 'aborted')
    return new MlflowError(ErrorCode.BAD_REQUEST, 'Request body aborted by the client.');
  return err;
}

/**
 * Read a request stream into memory, refusing more than `limit` bytes (`tooLarge`: a 400 message
 * instead of the 413), failing with 408 when nothing arrives for the idle timeout. Event-driven
 * with one timer refreshed per chunk: every JSON request body passes here (an async iterator with
 * a timer race per chunk cost ~0.1 ms per request).
 */
export function readBytes(stream: Readable, limit: number, tooLarge?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (err: unknown, body?: Buffer) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (err === undefined) resolve(body as Buffer);
      else reject(err);
    };
    const onData = (chunk: Buffer) => {
      timer.refresh();
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      settle(
        tooLarge
          ? MlflowError.invalid(tooLarge)
          : new MlflowError(ErrorCode.REQUEST_TOO_LARGE, `Request body exceeds the limit of ${limit} bytes.`),
      );
      // Drained, not destroyed: the answer still goes out on this connection.
      stream.resume();
    };
    const onEnd = () => settle(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    const onError = (err: unknown) => settle(clientAbort(err));
    const onClose = () => settle(clientAbort({ code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    const timer = setTimeout(() => settle(idleTimeout(bodyIdleTimeoutMs)), bodyIdleTimeoutMs);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/** Read a request stream as UTF-8 text, refusing more than `limit` bytes. */
export async function readText(stream: Readable, limit: number): Promise<string> {
  return (await readBytes(stream, limit)).toString('utf8');
}

/**
 * JSON request bodies as MLflow reads them: empty means `{}`, a JSON string holding JSON
 * (double-encoded by very old clients) is decoded twice. Malformed JSON is a 400.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = parseJsonWithFloats(text);
  } catch (err) {
    throw new MlflowError(ErrorCode.BAD_REQUEST, `Malformed JSON in request body: ${(err as Error).message}`);
  }
  if (typeof value === 'string') {
    try {
      return parseJsonWithFloats(value);
    } catch {
      return value;
    }
  }
  return value;
}
