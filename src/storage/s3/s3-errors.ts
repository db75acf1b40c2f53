import { ErrorCode, MlflowError } from '../../common/mlflow-error';

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
  'RequestTimeout',
]);

const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden']);

/** The request body ended early (client disconnect) while it was being uploaded. */
export function isClientAbort(err: unknown): boolean {
  const e = err as SdkError | undefined;
  return e?.code === 'ERR_STREAM_PREMATURE_CLOSE' || e?.message === 'aborted';
}

/**
 * What an S3 failure means for the caller, as an MlflowError that names the store (never the
 * credentials): unreachable or overloaded → 503 (clients retry), missing bucket → 404, refused
 * credentials → 403. Anything else is rethrown unchanged (a real server fault).
 */
export function s3Failure(err: unknown, store: string): unknown {
  if (err instanceof MlflowError) return err;
  const e = (err ?? {}) as SdkError;
  // Network failures surface as plain Errors carrying a Node errno code.
  const name = e.name && e.name !== 'Error' ? e.name : (e.code ?? e.name ?? '');
  const status = e.$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket') {
    return MlflowError.notFound(`Artifact store ${store}: the bucket does not exist.`);
  }
  if (DENIED.has(name) || status === 403) {
    return new MlflowError(ErrorCode.PERMISSION_DENIED, `Artifact store ${store} refused the server's credentials.`);
  }
  if (UNREACHABLE.has(name) || status === undefined || status >= 500) {
    const why = UNREACHABLE.has(name) ? name : status === undefined ? name || 'no response' : `HTTP ${status}`;
    return new MlflowError(ErrorCode.TEMPORARILY_UNAVAILABLE, `Artifact store ${store} is unavailable (${why}).`);
  }
  return err;
}
