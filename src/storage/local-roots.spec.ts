import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalArtifactRoots } from './local-roots';

describe('LocalArtifactRoots: relative locations in the working directory', () => {
  const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-wd-')));
  const root = path.join(work, 'artifacts');
  fs.mkdirSync(path.join(work, 'src'), { recursive: true });
  fs.writeFileSync(path.join(work, 'src', 'secret.ts'), 'x');
  fs.mkdirSync(path.join(work, 'empty'));
  const roots = LocalArtifactRoots.fromConfig(
    { localArtifactRoots: [root], database: { type: 'sqlite', path: path.join(work, 'db', 'tsflow.db') } },
    work,
  );
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('accepts a new or empty subdirectory named relatively, and reads it back later', () => {
    expect(roots.confineNew(path.join(work, 'my_location'), true)).toBe(path.join(work, 'my_location'));
    expect(roots.confineNew(path.join(work, 'empty'), true)).toBe(path.join(work, 'empty'));
    expect(roots.confine(path.join(work, 'my_location', 'run', 'artifacts'))).toBe(
      path.join(work, 'my_location', 'run', 'artifacts'),
    );
  });

  it('refuses the working directory itself, existing files, ancestors of the database or roots, and absolute paths', () => {
    for (const p of [work, path.join(work, 'src'), path.join(work, 'src', 'secret.ts'), path.join(work, 'db')]) {
      expect(() => roots.confineNew(p, true), p).toThrow(/not inside a local artifact root/);
    }
    expect(() => roots.confineNew(path.join(work, 'fresh'), false)).toThrow(/not inside a local artifact root/);
    expect(() => roots.confine(work)).toThrow();
    expect(() => roots.confine(path.join(work, 'db', 'tsflow.db'))).toThrow();
    expect(() => roots.confineNew(path.dirname(work), true)).toThrow();
  });

  it('locations inside a configured root need no working-directory rule', () => {
    fs.mkdirSync(path.join(root, 'full'), { recursive: true });
    fs.writeFileSync(path.join(root, 'full', 'f'), 'x');
    expect(roots.confineNew(path.join(root, 'full'), false)).toBe(path.join(root, 'full'));
    expect(() => new LocalArtifactRoots([root]).confine(path.join(work, 'my_location'))).toThrow();
  });
});
