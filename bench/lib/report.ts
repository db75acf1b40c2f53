import * as fs from 'node:fs';
import * as path from 'node:path';

/** Benchmark output: one machine-readable line on stdout, a readable table, a results file. */

export type Cell = string | number | boolean | undefined;

/** Left-aligned first column, right-aligned numbers. */
export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) =>
    r.map((c) => (c === undefined ? '-' : typeof c === 'boolean' ? (c ? 'yes' : 'NO') : String(c))),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}

/** Write `<dir>/<name>-<timestamp>.json`; returns its path. */
export function writeResults(dir: string, name: string, result: unknown): string {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${name}-${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** The line other tools grep for: `BENCH_JSON {...}`. */
export function printJsonLine(result: unknown): void {
  process.stdout.write(`BENCH_JSON ${JSON.stringify(result)}\n`);
}

/** Write `<repo>/bench/results/<name>-….json` and print the BENCH_JSON line; returns the file's path. */
export function publishResults(repo: string, name: string, result: unknown): string {
  const file = writeResults(path.join(repo, 'bench', 'results'), name, result);
  printJsonLine(result);
  return file;
}

/** Run a benchmark's main: any failure prints its stack and exits 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
