import { CsvParseError } from '../errors';

/** One data row as read: cells in header order ('' = missing), with its 1-based line number. */
export interface TableRow {
  line: number;
  cells: string[];
}

export type TableFormat = 'csv' | 'ndjson';

/**
 * Splits one CSV line into cells (RFC 4180 quoting: `"a,b"`, `""` for a quote; quoted cells
 * may not span lines). Cells are trimmed; an unterminated quote is an error naming the line.
 */
export function splitCsvLine(line: string, file: string, lineNo: number): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ') i++;
    if (line[i] === '"') {
      let cell = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new CsvParseError(`${file} line ${lineNo}: unterminated quoted cell`, file, lineNo);
        cell += line.slice(i, q);
        if (line[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const comma = line.indexOf(',', i);
      cells.push(cell.trim());
      if (comma < 0) return cells;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      cells.push((comma < 0 ? line.slice(i) : line.slice(i, comma)).trim());
      if (comma < 0) return cells;
      i = comma + 1;
    }
  }
}

/**
 * A CSV (header line first) or NDJSON (one JSON object per line; the first object's keys are
 * the columns) table, fed a piece at a time as a streamed upload arrives. Duplicate column
 * names are an error; rows are handed to `onRow` as soon as their line is complete.
 */
export class TableParser {
  private rest = '';
  private lineNo = 0;
  header?: string[];
  rows = 0;

  constructor(
    private readonly file: string,
    private readonly format: TableFormat,
    private readonly onRow: (row: TableRow) => void,
  ) {}

  push(text: string): void {
    const lines = (this.rest + text).split(/\r?\n/);
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): string[] {
    if (this.rest !== '') this.line(this.rest);
    this.rest = '';
    if (!this.header) throw new CsvParseError(`${this.file}: file is empty`, this.file);
    if (this.rows === 0) throw new CsvParseError(`${this.file}: no data rows`, this.file, 1);
    return this.header;
  }

  private line(raw: string): void {
    this.lineNo++;
    const text = this.lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') return;
    if (this.format === 'ndjson') return this.jsonLine(text);
    const cells = splitCsvLine(text, this.file, this.lineNo);
    if (!this.header) {
      this.header = checkedHeader(cells, this.file, this.lineNo);
      return;
    }
    if (cells.length !== this.header.length)
      throw new CsvParseError(
        `${this.file} line ${this.lineNo}: ${cells.length} cells, the header has ${this.header.length}`,
        this.file,
        this.lineNo,
      );
    this.rows++;
    this.onRow({ line: this.lineNo, cells });
  }

  private jsonLine(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new CsvParseError(`${this.file} line ${this.lineNo}: not a JSON object`, this.file, this.lineNo);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new CsvParseError(`${this.file} line ${this.lineNo}: not a JSON object`, this.file, this.lineNo);
    const obj = value as Record<string, unknown>;
    this.header ??= checkedHeader(Object.keys(obj), this.file, this.lineNo);
    const unknown = Object.keys(obj).filter((k) => !this.header!.includes(k));
    if (unknown.length > 0)
      throw new CsvParseError(
        `${this.file} line ${this.lineNo}: unknown column(s) ${unknown.map((k) => `"${k}"`).join(', ')} (not in the first row)`,
        this.file,
        this.lineNo,
        unknown[0],
      );
    this.rows++;
    this.onRow({ line: this.lineNo, cells: this.header.map((k) => cellOf(obj[k])) });
  }
}

function cellOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string'
    ? v.trim()
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : JSON.stringify(v);
}

function checkedHeader(names: string[], file: string, line: number): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') throw new CsvParseError(`${file} line ${line}: a column has no name`, file, line);
    if (seen.has(name)) throw new CsvParseError(`${file} line ${line}: duplicate column "${name}"`, file, line, name);
    seen.add(name);
  }
  return names;
}
