import { describe, expect, it } from 'vitest';
import { parseYahooCsv } from './bars';
import { readBundledCsv } from './bundled-data';
import { CsvParseError } from '../errors';

const HEADER = 'Date,Open,High,Low,Close,Adj Close,Volume';

describe('parseYahooCsv', () => {
  it('reads the bundled files with their documented row counts', () => {
    expect(readBundledCsv('PETR4.SA.csv')).toHaveLength(6077);
    expect(readBundledCsv('MSFT.csv')).toHaveLength(9670); // no final newline in the source
    expect(readBundledCsv('BTC-USD.csv')).toHaveLength(3505);
    expect(readBundledCsv('^BVSP.csv')).toHaveLength(7818);
    expect(readBundledCsv('AAPL.csv')).toHaveLength(10087);
  });

  it('maps every field and turns the literal null into null', () => {
    const bars = readBundledCsv('PETR4.SA.csv');
    expect(bars[0]).toEqual({
      date: '2000-01-03',
      open: 5.875,
      high: 5.875,
      low: 5.875,
      close: 5.875,
      adjClose: 1.54867,
      volume: 35389440000,
    });
    const hole = bars.find((b) => b.date === '2004-11-02');
    expect(hole).toEqual({
      date: '2004-11-02',
      open: null,
      high: null,
      low: null,
      close: null,
      adjClose: null,
      volume: null,
    });
  });

  it('accepts CRLF, a BOM, reordered columns and a missing Adj Close', () => {
    const text = '\uFEFFvolume,date,close,low,high,open\r\n100,2024-01-02,10.5,10,11,10.2\r\n';
    expect(parseYahooCsv(text, 'x.csv')).toEqual([
      { date: '2024-01-02', open: 10.2, high: 11, low: 10, close: 10.5, adjClose: 10.5, volume: 100 },
    ]);
  });

  it('names file, line and column of a non-numeric cell', () => {
    const text = `${HEADER}\n2024-01-02,1,2,0.5,1.5,1.5,10\n2024-01-03,1,2,0.5,abc,1.5,10\n`;
    expect(() => parseYahooCsv(text, 'MSFT.csv')).toThrow('MSFT.csv line 3, column "Close": "abc" is not a number');
    try {
      parseYahooCsv(text, 'MSFT.csv');
    } catch (err) {
      expect(err).toBeInstanceOf(CsvParseError);
      expect(err).toMatchObject({ file: 'MSFT.csv', line: 3, column: 'Close' });
    }
  });

  it('rejects bad dates, short rows, missing columns and empty files', () => {
    expect(() => parseYahooCsv(`${HEADER}\n2024-02-30,1,1,1,1,1,1`, 'a.csv')).toThrow(
      'a.csv line 2, column "Date": "2024-02-30" is not a YYYY-MM-DD date',
    );
    expect(() => parseYahooCsv(`${HEADER}\n2024-02-01,1,1,1`, 'a.csv')).toThrow(
      'a.csv line 2: row has 4 cells, column "Close" is missing',
    );
    expect(() => parseYahooCsv('Date,Open,High,Close\n', 'b.csv')).toThrow(
      'b.csv line 1: missing header column(s) "low", "volume"',
    );
    expect(() => parseYahooCsv('', 'c.csv')).toThrow('c.csv: file is empty');
    expect(() => parseYahooCsv('\n\n', 'c.csv')).toThrow('c.csv: file is empty');
    expect(() => parseYahooCsv(`${HEADER}\n`, 'd.csv')).toThrow('d.csv: file has a header but no data rows');
  });

  it('treats empty cells like null and rejects NaN', () => {
    const [bar] = parseYahooCsv(`${HEADER}\n2024-01-02,,2,1,1.5,1.5,`, 'e.csv');
    expect(bar.open).toBeNull();
    expect(bar.volume).toBeNull();
    expect(() => parseYahooCsv(`${HEADER}\n2024-01-02,NaN,2,1,1.5,1.5,1`, 'e.csv')).toThrow(
      'column "Open": "NaN" is not a number',
    );
  });
});
