import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { DailyBar, parseYahooCsv } from './bars';

/**
 * The bundled real price histories (`data/`, see data/SOURCES.md), for tests, demos and
 * benchmarks. Found by walking up from this file, so it works from src/ and from dist/src/.
 */
export function bundledDataDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'data', 'SOURCES.md'))) return path.join(dir, 'data');
    if (path.dirname(dir) === dir) throw new Error(`no data/SOURCES.md above ${__dirname}`);
  }
}

export function readBundledCsv(file: string): DailyBar[] {
  return parseYahooCsv(readFileSync(path.join(bundledDataDir(), file), 'utf8'), file);
}
