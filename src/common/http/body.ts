import type { Readable } from 'node:stream';
import { ErrorCode, MlflowError } from '../mlflow-error';
import { parseJsonWithFloats } from '../proto/float-literals';

/** Read a request stream as UTF-8 text, refusing more than `limit` bytes. */
export async function readText(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.resume();
      throw new MlflowError(ErrorCode.REQUEST_TOO_LARGE, `Request body exceeds the limit of ${limit} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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
