/**
 * Errors raised by the pure training core and its data sources. They carry no HTTP or MLflow
 * semantics of their own: the one global exception filter maps `TrainingInputError` (bad data,
 * bad params, impossible split) to INVALID_PARAMETER_VALUE, a transient `DataSourceError` to
 * TEMPORARILY_UNAVAILABLE, and anything else to INTERNAL_ERROR.
 */
export class TrainingInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingInputError';
  }
}

/** A CSV cell, header or file that cannot be read; names the file, line and column. */
export class CsvParseError extends TrainingInputError {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: string,
  ) {
    super(message);
    this.name = 'CsvParseError';
  }
}

/**
 * A price source failed. Permanent (unknown ticker, empty range, malformed answer) unless
 * `transient` (network trouble): then the caller should retry, and a job attempt is retried.
 */
export class DataSourceError extends TrainingInputError {
  constructor(
    message: string,
    readonly transient = false,
  ) {
    super(message);
    this.name = 'DataSourceError';
  }
}
