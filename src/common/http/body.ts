import type { Readable } from 'node:stream';
import { ErrorCode, MlflowError } from '../mlflow-error';
import { parseJsonWithFloats } from '../proto/float-literals';

/** Read a request stream into memory, refusing more than `limit` bytes (`tooLarge`: a 400 message instead of the 413). */
export async function readBytes(stream: Readable, limit: number, tooLarge?: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.resume();
      if (tooLarge) throw MlflowError.invalid(tooLarge);
      throw new MlflowError(ErrorCode.REQUEST_TOO_LARGE, `Request body exceeds the limit of ${limit} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
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
