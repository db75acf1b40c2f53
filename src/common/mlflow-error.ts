/**
 * MLflow's error model: every failure leaves the server as `{error_code, message}` with the
 * HTTP status MLflow uses for that code (mlflow-api.md §2.2). Services throw MlflowError;
 * the one global filter renders it.
 */
export enum ErrorCode {
  INVALID_PARAMETER_VALUE = 'INVALID_PARAMETER_VALUE',
  RESOURCE_ALREADY_EXISTS = 'RESOURCE_ALREADY_EXISTS',
  BAD_REQUEST = 'BAD_REQUEST',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  RESOURCE_DOES_NOT_EXIST = 'RESOURCE_DOES_NOT_EXIST',
  ENDPOINT_NOT_FOUND = 'ENDPOINT_NOT_FOUND',
  RESOURCE_CONFLICT = 'RESOURCE_CONFLICT',
  REQUEST_LIMIT_EXCEEDED = 'REQUEST_LIMIT_EXCEEDED',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
  NOT_IMPLEMENTED = 'NOT_IMPLEMENTED',
  TEMPORARILY_UNAVAILABLE = 'TEMPORARILY_UNAVAILABLE',
  /** Not an MLflow code: a request with a wrong HTTP method (405). */
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  /** Not an MLflow code: a body over the configured limit (413). */
  REQUEST_TOO_LARGE = 'REQUEST_TOO_LARGE',
  /** Not an MLflow code: a request body that stopped arriving (408). */
  REQUEST_TIMEOUT = 'REQUEST_TIMEOUT',
}

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.INVALID_PARAMETER_VALUE]: 400,
  [ErrorCode.RESOURCE_ALREADY_EXISTS]: 400,
  [ErrorCode.BAD_REQUEST]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.PERMISSION_DENIED]: 403,
  [ErrorCode.RESOURCE_DOES_NOT_EXIST]: 404,
  [ErrorCode.ENDPOINT_NOT_FOUND]: 404,
  [ErrorCode.METHOD_NOT_ALLOWED]: 405,
  [ErrorCode.REQUEST_TIMEOUT]: 408,
  [ErrorCode.RESOURCE_CONFLICT]: 409,
  [ErrorCode.REQUEST_TOO_LARGE]: 413,
  [ErrorCode.REQUEST_LIMIT_EXCEEDED]: 429,
  [ErrorCode.INTERNAL_ERROR]: 500,
  [ErrorCode.NOT_IMPLEMENTED]: 501,
  [ErrorCode.TEMPORARILY_UNAVAILABLE]: 503,
};

export class MlflowError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MlflowError';
  }

  get status(): number {
    return STATUS[this.code];
  }

  toJSON(): { error_code: string; message: string } {
    return { error_code: this.code, message: this.message };
  }

  static invalid(message: string): MlflowError {
    return new MlflowError(ErrorCode.INVALID_PARAMETER_VALUE, message);
  }

  static notFound(message: string): MlflowError {
    return new MlflowError(ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
  }

  static exists(message: string): MlflowError {
    return new MlflowError(ErrorCode.RESOURCE_ALREADY_EXISTS, message);
  }
}

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}
