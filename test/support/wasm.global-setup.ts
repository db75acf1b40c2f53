import { execFileSync } from 'child_process';
import { existsSync, statSync } from 'fs';
import * as path from 'path';

/**
 * Unit tests import the fused engine from src/, which loads dist/wasm/fused-lstm.wasm: build
 * it (npm run build:wasm) when it is missing or older than its AssemblyScript source, so
 * `npx vitest run <file>` works without a full `npm run build` first.
 */
export default function setup(): void {
  const root = path.resolve(__dirname, '..', '..');
  const wasm = path.join(root, 'dist', 'wasm', 'fused-lstm.wasm');
  const source = path.join(root, 'assembly', 'fused-lstm.ts');
  if (existsSync(wasm) && statSync(wasm).mtimeMs >= statSync(source).mtimeMs) return;
  execFileSync('npm', ['run', '--silent', 'build:wasm'], { cwd: root, stdio: 'inherit' });
}
