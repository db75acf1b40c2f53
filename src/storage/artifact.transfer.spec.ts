import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../common/mlflow-error';
import { loadConfig } from '../config/app-config';
import { ArtifactRepositoryResolver } from './artifact-repository.resolver';
import { ArtifactTransfer } from './artifact.transfer';
import { LocalArtifactRepository } from './local-artifact.repository';

describe('ArtifactTransfer (issue 16 fault 1: training writes and registry copies stay confined and bounded)', () => {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-transfer-')));
  const allowed = path.join(base, 'allowed');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(allowed);
  fs.mkdirSync(outside);
  const resolver = new ArtifactRepositoryResolver(new LocalArtifactRepository(path.join(base, 'proxy')), {
    ...loadConfig({}, base),
    localArtifactRoots: [allowed],
  });
  const transfer = new ArtifactTransfer(resolver);
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it.each([`${pathToFileURL(outside).href}?x/r/artifacts`, pathToFileURL(outside).href, `${allowed}/../outside`])(
    'writes into %s are refused and nothing is written',
    async (uri) => {
      await expect(transfer.writeText(uri, 'data_quality.json', '{}')).rejects.toMatchObject({
        code: ErrorCode.INVALID_PARAMETER_VALUE,
      });
      expect(fs.readdirSync(outside)).toEqual([]);
    },
  );

  it('downloads stop at the file-count and byte limits with a 400', async () => {
    const tree = path.join(allowed, 'big', 'r', 'artifacts', 'model');
    fs.mkdirSync(path.join(tree, 'sub'), { recursive: true });
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(tree, 'sub', `f${i}`), 'x'.repeat(100));
    const uri = pathToFileURL(path.join(allowed, 'big', 'r', 'artifacts')).href;
    const dest = path.join(base, 'dl');
    expect(await transfer.downloadDirectory(uri, 'model', path.join(dest, 'ok'))).toBe(5);
    await expect(
      transfer.downloadDirectory(uri, 'model', path.join(dest, 'n'), { maxFiles: 3, maxBytes: 1e9, maxDepth: 8 }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE, message: expect.stringContaining('3 files') });
    await expect(
      transfer.downloadDirectory(uri, 'model', path.join(dest, 'b'), { maxFiles: 100, maxBytes: 250, maxDepth: 8 }),
    ).rejects.toMatchObject({ message: expect.stringContaining('250 bytes') });
    await expect(
      transfer.downloadDirectory(uri, '', path.join(dest, 'd'), { maxFiles: 100, maxBytes: 1e9, maxDepth: 0 }),
    ).rejects.toMatchObject({ message: expect.stringContaining('directory levels') });
  });
});
