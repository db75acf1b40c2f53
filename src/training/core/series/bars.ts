import { CsvParseError } from '../errors';

/** One daily bar as found in the source; `null` marks a missing value (Yahoo writes `null`). */
export interface DailyBar {
  /** Exchange date, `YYYY-MM-DD`. */
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  adjClose: number | null;
  volume: number | null;
}

/** A bar after cleaning: every field present. */
export interface CleanBar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  adjClose: number;
  volume: number;
}

type BarField = Exclude<keyof DailyBar, 'date'>;

/** Yahoo export header names → bar fields. `Adj Close` is optional (some exports omit it). */
const COLUMNS: ReadonlyArray<{ header: string; field: BarField | 'date'; required: boolean }> = [
  { header: 'date', field: 'date', required: true },
  { header: 'open', field: 'open', required: true },
  { header: 'high', field: 'high', required: true },
  { header: 'low', field: 'low', required: true },
  { header: 'close', field: 'close', required: true },
  { header: 'adj close', field: 'adjClose', required: false },
  { header: 'volume', field: 'volume', required: true },
];

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** True for a real calendar date in `YYYY-MM-DD` form. */
export function isIsoDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/**
 * Parses a Yahoo Finance daily CSV (`Date,Open,High,Low,Close,Adj Close,Volume`; column order
 * free, header case-insensitive). `null` and empty cells become `null`; anything else that is
 * not a number is an error naming the file, line (1-based, header = line 1) and column.
 * Without an `Adj Close` column, adjClose equals close. Rows are returned in file order:
 * sorting, duplicates and gaps are the cleaner's business, not the parser's.
 */
export function parseYahooCsv(text: string, name: string): DailyBar[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new CsvParseError(`${name}: file is empty`, name);
  const index = headerIndex(lines[0], name);
  if (lines.length === 1) throw new CsvParseError(`${name}: file has a header but no data rows`, name, 1);
  const bars: DailyBar[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    bars.push(parseRow(lines[i], i + 1, index, name));
  }
  return bars;
}

function headerIndex(header: string, file: string): Map<BarField | 'date', number> {
  const names = header.split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const index = new Map<BarField | 'date', number>();
  const missing: string[] = [];
  for (const col of COLUMNS) {
    const at = names.indexOf(col.header);
    if (at >= 0) index.set(col.field, at);
    else if (col.required) missing.push(col.header);
  }
  if (missing.length > 0) {
    throw new CsvParseError(
      `${file} line 1: missing header column(s) ${missing.map((m) => `"${m}"`).join(', ')}; ` +
        `expected Date,Open,High,Low,Close,Adj Close,Volume, got "${header.trim()}"`,
      file,
      1,
    );
  }
  return index;
}

function parseRow(line: string, lineNo: number, index: Map<BarField | 'date', number>, file: string): DailyBar {
  const cells = line.split(',').map((c) => c.trim());
  const cell = (field: BarField | 'date', header: string): string => {
    const at = index.get(field)!;
    if (at >= cells.length) {
      throw new CsvParseError(
        `${file} line ${lineNo}: row has ${cells.length} cells, column "${header}" is missing`,
        file,
        lineNo,
        header,
      );
    }
    return cells[at];
  };
  const date = cell('date', 'Date');
  if (!isIsoDate(date)) {
    throw new CsvParseError(
      `${file} line ${lineNo}, column "Date": "${date}" is not a YYYY-MM-DD date`,
      file,
      lineNo,
      'Date',
    );
  }
  const num = (field: BarField, header: string): number | null => {
    if (!index.has(field)) return null;
    const raw = cell(field, header);
    if (raw === '' || raw.toLowerCase() === 'null') return null;
    if (!NUMBER_RE.test(raw)) {
      throw new CsvParseError(
        `${file} line ${lineNo}, column "${header}": "${raw}" is not a number`,
        file,
        lineNo,
        header,
      );
    }
    return Number(raw);
  };
  const close = num('close', 'Close');
  return {
    date,
    open: num('open', 'Open'),
    high: num('high', 'High'),
    low: num('low', 'Low'),
    close,
    adjClose: index.has('adjClose') ? num('adjClose', 'Adj Close') : close,
    volume: num('volume', 'Volume'),
  };
}

/**
 * The same parse, fed a piece at a time (a streamed upload): `push` parses every complete line
 * of the text so far, `end` the last one. The caller yields to the event loop between pieces,
 * so a large file never holds it, and never needs the whole text in memory.
 */
export class YahooCsvParser {
  private rest = '';
  private lineNo = 0;
  private index?: Map<BarField | 'date', number>;
  readonly bars: DailyBar[] = [];

  constructor(private readonly name: string) {}

  push(text: string): void {
    const lines = (this.rest + text).split(/\r?\n/);
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): DailyBar[] {
    if (this.rest !== '') this.line(this.rest);
    this.rest = '';
    if (!this.index) throw new CsvParseError(`${this.name}: file is empty`, this.name);
    if (this.bars.length === 0)
      throw new CsvParseError(`${this.name}: file has a header but no data rows`, this.name, 1);
    return this.bars;
  }

  private line(raw: string): void {
    this.lineNo++;
    if (!this.index) {
      const header = this.lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (header.trim() === '') return;
      this.index = headerIndex(header, this.name);
      return;
    }
    if (raw.trim() === '') return;
    this.bars.push(parseRow(raw, this.lineNo, this.index, this.name));
  }
}
