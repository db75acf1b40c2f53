import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';
import { columnLabel, displayRows, formatColumns, parseColumns, RunRow, sharedKeys } from './runs';

const row = (id: string, parentId?: string): RunRow => ({
  id,
  name: id,
  experimentId: '1',
  status: 'FINISHED',
  deleted: false,
  parentId,
  params: {},
  metrics: {},
  tags: {},
});

describe('nested runs under their parent', () => {
  const rows = [row('c1', 'p'), row('p'), row('solo'), row('c2', 'p'), row('orphan', 'not-loaded')];
  it('hides children until the parent is expanded, then lists them right under it', () => {
    expect(displayRows(rows, true, new Set()).map((d) => [d.row.id, d.children])).toEqual([
      ['p', 2],
      ['solo', 0],
      ['orphan', 0],
    ]);
    expect(displayRows(rows, true, new Set(['p'])).map((d) => [d.row.id, d.depth])).toEqual([
      ['p', 0],
      ['c1', 1],
      ['c2', 1],
      ['solo', 0],
      ['orphan', 0],
    ]);
  });
  it('keeps the server order when not grouped', () => {
    expect(displayRows(rows, false, new Set()).map((d) => d.row.id)).toEqual(['c1', 'p', 'solo', 'c2', 'orphan']);
  });
  it('groups 100,000 runs (10,000 grid parents) in one pass', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => row(`r${i}`, i % 10 ? `r${i - (i % 10)}` : undefined));
    const out = displayRows(many, true, new Set(['r0']));
    expect(out).toHaveLength(10_000 + 9);
    expect(out.slice(0, 11).map((d) => d.row.id)).toEqual([
      'r0',
      'r1',
      'r2',
      'r3',
      'r4',
      'r5',
      'r6',
      'r7',
      'r8',
      'r9',
      'r10',
    ]);
    expect(out[10].children).toBe(9);
  });
});

describe('columns in the URL and CSV previews', () => {
  it('round-trips column ids with odd keys', () => {
    const cols = [
      { kind: 'metrics' as const, key: 'val loss,1' },
      { kind: 'params' as const, key: 'lr' },
    ];
    expect(parseColumns(formatColumns(cols))).toEqual(cols);
    expect(parseColumns('bogus:x,tags:t')).toEqual([{ kind: 'tags', key: 't' }]);
  });
  it('parses quoted CSV fields, doubled quotes and CRLF', () => {
    expect(parseCsv('a,b\r\n"1,5","say ""hi"""\n3,\n')).toEqual([
      ['a', 'b'],
      ['1,5', 'say "hi"'],
      ['3', ''],
    ]);
    expect(parseCsv('x\n1\n2\n3', ',', 2)).toEqual([['x'], ['1']]);
  });
});

describe('column labels', () => {
  it('names the kind only when a param and a metric (or tag) share a key', () => {
    const cols = [
      { kind: 'params' as const, key: 'lr' },
      { kind: 'metrics' as const, key: 'lr' },
      { kind: 'metrics' as const, key: 'loss' },
    ];
    const shared = sharedKeys(cols);
    expect(cols.map((c) => columnLabel(c, shared))).toEqual(['lr (param)', 'lr (metric)', 'loss']);
    expect(columnLabel({ kind: 'tags', key: 'lr' }, sharedKeys([{ kind: 'tags', key: 'lr' }]))).toBe('lr');
  });
});
