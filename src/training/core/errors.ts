/**
 * Errors raised by the pure training core. They carry no HTTP or MLflow semantics: the Nest
 * layer maps `TrainingInputError` (bad data, bad params, impossible split) to
 * INVALID_PARAMETER_VALUE and anything else to INTERNAL_ERROR.
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
