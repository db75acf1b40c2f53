import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPTED_PATHS, REJECTED_PATHS } from '../../test/support/artifact-path-vectors';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { ArtifactPath, containedPath, lenientDecode, lenientUnquote, resolveSafePath } from './safe-path';

function rejection(fn: () => unknown): MlflowError | undefined {
  try {
    fn();
  } catch (err) {
    return err as MlflowError;
  }
  return undefined;
}

describe('ArtifactPath.parse', () => {
  it.each(REJECTED_PATHS.map((v) => [v]))('rejects %j with 400 Invalid path', (vector) => {
    const err = rejection(() => ArtifactPath.parse(vector));
    expect(err).toBeInstanceOf(MlflowError);
    expect(err?.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(err?.message).toBe('Invalid path');
  });

  it.each(ACCEPTED_PATHS.map(([v, rel]) => [v, rel]))('accepts %j as %j', (vector, rel) => {
    expect(ArtifactPath.parse(vector).toString()).toBe(rel);
  });

  it('accepts any extra layer of percent-encoding of an accepted path the same way', () => {
    expect(ArtifactPath.parse(encodeURIComponent('path/to/file')).toString()).toBe('path/to/file');
    expect(ArtifactPath.parse(encodeURIComponent(encodeURIComponent('a b/c'))).segments).toEqual(['a b', 'c']);
  });

  it('treats empty, undefined and "." as the root', () => {
    expect(ArtifactPath.parse(undefined).isRoot).toBe(true);
    expect(ArtifactPath.parse('').isRoot).toBe(true);
    expect(ArtifactPath.parse('.').isRoot).toBe(true);
    expect(ArtifactPath.parse('./').toString()).toBe('');
  });

  it('joins validated paths and names the last segment', () => {
    const joined = ArtifactPath.parse('1/run/artifacts').join(ArtifactPath.parse('model/MLmodel'));
    expect(joined.toString()).toBe('1/run/artifacts/model/MLmodel');
    expect(joined.name).toBe('MLmodel');
    expect(ArtifactPath.ROOT.join(ArtifactPath.ROOT).isRoot).toBe(true);
  });
});

describe('lenient decoding (what MLflow sees)', () => {
  it('decodes valid escapes of a malformed string like Python unquote', () => {
    expect(lenientUnquote('%2%0952e')).toBe('%2\t52e');
    expect(lenientUnquote('dog%step%100')).toBe('dog%step\u00100');
    expect(lenientUnquote('%C3%A9%zz')).toBe('é%zz');
  });

  it('drops TAB/CR/LF between rounds, so hidden dots appear', () => {
    expect(lenientDecode('%2%0952e%2%0952e/%2%0A52e%2%0A52e/path')).toBe('../../path');
  });

  it('gives up (undefined) when decoding does not settle in 10 rounds', () => {
    let v = '..';
    for (let i = 0; i < 11; i++) v = encodeURIComponent(v.replace(/\./g, '%2E'));
    expect(lenientDecode(v)).toBeUndefined();
  });
});

describe('containedPath (real directories and symlinks)', () => {
  let base: string;
  let root: string;
  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-safepath-'));
    root = path.join(base, 'root');
    fs.mkdirSync(path.join(root, 'dir', 'sub'), { recursive: true });
    fs.mkdirSync(path.join(base, 'outside'));
    fs.writeFileSync(path.join(base, 'outside', 'secret.txt'), 'secret');
    fs.symlinkSync(path.join(base, 'outside'), path.join(root, 'escape'));
    fs.symlinkSync(path.join(base, 'outside', 'secret.txt'), path.join(root, 'secret-link'));
    fs.symlinkSync(path.join(root, 'dir'), path.join(root, 'inside-link'));
    fs.symlinkSync(path.join(root, 'loop-b'), path.join(root, 'loop-a'));
    fs.symlinkSync(path.join(root, 'loop-a'), path.join(root, 'loop-b'));
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('resolves existing and not-yet-existing paths inside the root', async () => {
    const real = fs.realpathSync(root);
    expect(await containedPath(root, ArtifactPath.parse('dir/sub'))).toBe(path.join(real, 'dir', 'sub'));
    expect(await containedPath(root, ArtifactPath.parse('dir/new/deeper/file.bin'))).toBe(
      path.join(real, 'dir', 'new', 'deeper', 'file.bin'),
    );
    expect(await containedPath(root, ArtifactPath.ROOT)).toBe(real);
  });

  it('follows symlinks that stay inside the root', async () => {
    expect(await containedPath(root, ArtifactPath.parse('inside-link/sub'))).toBe(
      path.join(fs.realpathSync(root), 'dir', 'sub'),
    );
  });

  it.each([['escape'], ['escape/secret.txt'], ['escape/new/file'], ['secret-link'], ['loop-a/x']])(
    'rejects %j (symlink out of the root or in a loop)',
    async (p) => {
      await expect(containedPath(root, ArtifactPath.parse(p))).rejects.toMatchObject({
        code: ErrorCode.INVALID_PARAMETER_VALUE,
        message: 'Invalid path',
      });
    },
  );

  it('resolveSafePath decodes, validates and contains in one call', async () => {
    expect(await resolveSafePath(root, 'dir%2Fsub')).toBe(path.join(fs.realpathSync(root), 'dir', 'sub'));
    await expect(resolveSafePath(root, '%2E%2E%2Foutside')).rejects.toMatchObject({ message: 'Invalid path' });
    await expect(resolveSafePath(root, 'escape%2Fsecret.txt')).rejects.toMatchObject({ message: 'Invalid path' });
  });
});
