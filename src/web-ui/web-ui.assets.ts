import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { lookup } from 'mime-types';

/** The folder `npm run build` writes the SPA into (vite, see web/vite.config.ts), found from the package root. */
export function defaultWebUiDir(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'web-ui');
}

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Vite names assets by content hash: they never change under one name. */
  immutable: boolean;
}

/** Reads the built SPA: index.html for every client route, hashed files under assets/ (no path escapes). */
export class WebUiAssets {
  private index?: Buffer;

  constructor(readonly root: string) {}

  get built(): boolean {
    return existsSync(path.join(this.root, 'index.html'));
  }

  indexHtml(): Buffer | undefined {
    if (!this.index && this.built) this.index = readFileSync(path.join(this.root, 'index.html'));
    return this.index;
  }

  /** A file under the build folder, or undefined when absent or outside it (`..`, absolute, NUL). */
  async file(relative: string): Promise<StaticFile | undefined> {
    if (!relative || relative.includes('\0') || relative.includes('\\')) return undefined;
    const full = path.resolve(this.root, relative);
    if (!full.startsWith(this.root + path.sep)) return undefined;
    const info = await stat(full).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return {
      body: await readFile(full),
      contentType: lookup(full) || 'application/octet-stream',
      immutable: relative.startsWith('assets/'),
    };
  }
}
