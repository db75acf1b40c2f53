import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DataSourceError, TrainingInputError } from '../training/core/errors';
import { ErrorCode, MlflowError, statusOf } from './mlflow-error';

interface ReplyLike {
  sent?: boolean;
  raw?: { headersSent?: boolean; writableEnded?: boolean; destroy?: () => void };
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.REQUEST_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.BAD_REQUEST,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.BAD_REQUEST,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCode.BAD_REQUEST,
  FST_ERR_BAD_URL: ErrorCode.BAD_REQUEST,
};

/** A client that hung up mid-request: its fault, and nothing to log loudly. */
const CLIENT_ABORTS = new Set(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED', 'EPIPE']);

/**
 * Postgres errors caused by the request's data or by a concurrent change (mlflow-api.md §2.2):
 * class 22 (bad data: NUL bytes, out-of-range numbers, bad syntax for a type), a foreign key
 * whose parent was deleted meanwhile, a unique key taken meanwhile.
 */
function postgresError(code: string | undefined): MlflowError | undefined {
  if (!code) return undefined;
  if (code.startsWith('22')) return MlflowError.invalid('Invalid parameter value: the value cannot be stored.');
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
    return MlflowError.notFound('The resource was deleted or renamed meanwhile.');
  if (code === '23505') return MlflowError.exists('The resource was created meanwhile: it already exists.');
  if (code === '40001' || code === '40P01')
    return new MlflowError(ErrorCode.TEMPORARILY_UNAVAILABLE, 'Concurrent update conflict; retry the request.');
  return undefined;
}

function isLockError(err: { code?: string; message?: string }): boolean {
  return err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED' || /database is locked/i.test(err.message ?? '');
}

/** Any thrown value as MLflow's `{error_code, message}` with the matching status. */
export function toMlflowError(exception: unknown): MlflowError {
  if (exception instanceof MlflowError) return exception;
  // The pure training core knows nothing of HTTP: its errors are mapped here and nowhere else.
  // A network failure at a data source is not the caller's fault: 503, so clients retry.
  if (exception instanceof DataSourceError && exception.transient)
    return new MlflowError(ErrorCode.TEMPORARILY_UNAVAILABLE, exception.message);
  if (exception instanceof TrainingInputError) return MlflowError.invalid(exception.message);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) return new MlflowError(ErrorCode.ENDPOINT_NOT_FOUND, 'Endpoint not found.');
    if (status === 405) return new MlflowError(ErrorCode.METHOD_NOT_ALLOWED, 'Method not allowed for this endpoint.');
    if (status === 413) return new MlflowError(ErrorCode.REQUEST_TOO_LARGE, 'Request body is too large.');
    if (status < 500) return new MlflowError(ErrorCode.BAD_REQUEST, exception.message);
    return new MlflowError(ErrorCode.INTERNAL_ERROR, exception.message);
  }
  const err = (exception ?? {}) as {
    code?: string;
    message?: string;
    statusCode?: number;
    driverError?: { code?: string };
  };
  if ((err.code && CLIENT_ABORTS.has(err.code)) || err.message === 'aborted')
    return new MlflowError(ErrorCode.BAD_REQUEST, 'Request aborted by the client.');
  const pg = postgresError(err.driverError?.code ?? err.code);
  if (pg) return pg;
  if (err.code && FASTIFY_CODES[err.code])
    return new MlflowError(FASTIFY_CODES[err.code], err.message ?? 'Bad request');
  if (isLockError(err)) {
    return new MlflowError(ErrorCode.TEMPORARILY_UNAVAILABLE, 'The database is busy; retry the request.');
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new MlflowError(ErrorCode.BAD_REQUEST, err.message ?? 'Bad request');
  }
  return new MlflowError(ErrorCode.INTERNAL_ERROR, 'Internal server error.');
}

/** The one exception filter: every error leaves as JSON `{error_code, message}`. */
/** The web UI marks its API calls (web/src/api/client.ts): they get no Basic challenge. */
export const WEB_UI_HEADER = { name: 'x-requested-with', value: 'tsflow-ui' };

function fromWebUi(host: ArgumentsHost): boolean {
  const req = host.switchToHttp().getRequest<{ headers?: Record<string, string | string[] | undefined> }>();
  return req?.headers?.[WEB_UI_HEADER.name] === WEB_UI_HEADER.value;
}

@Catch()
export class MlflowExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<ReplyLike>();
    const error = toMlflowError(exception);
    if (
      error.status >= 500 &&
      error.code !== ErrorCode.TEMPORARILY_UNAVAILABLE &&
      error.code !== ErrorCode.NOT_IMPLEMENTED
    ) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (reply.sent || reply.raw?.headersSent) {
      // A streamed response already started: all we can do is cut it.
      reply.raw?.destroy?.();
      return;
    }
    // As MLflow's basic-auth app: a 401 names the scheme, so browsers and clients can prompt;
    // except for the web UI's own calls, which show a sign-in form instead of the browser's prompt.
    if (error.code === ErrorCode.UNAUTHENTICATED && !fromWebUi(host))
      reply.header('www-authenticate', 'Basic realm="mlflow"');
    // The rest of a body that stopped arriving must not be read as the next request.
    if (error.code === ErrorCode.REQUEST_TIMEOUT) reply.header('connection', 'close');
    reply.status(statusOf(error.code)).header('content-type', 'application/json').send(error.toJSON());
  }
}
