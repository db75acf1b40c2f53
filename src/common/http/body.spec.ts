import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, MlflowError } from '../mlflow-error';
import { readBytes, setBodyIdleTimeout } from './body';

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof MlflowError ? e.code : String(e)),
  );

describe('readBytes', () => {
  afterEach(() => setBodyIdleTimeout(30_000));

  it('joins the chunks of a body', async () => {
    const s = new PassThrough();
    const read = readBytes(s, 100);
    s.write('{"a":');
    s.end('1}');
    expect((await read).toString()).toBe('{"a":1}');
    const one = new PassThrough();
    const single = readBytes(one, 100);
    one.end('x');
    expect((await single).toString()).toBe('x');
  });

  it('refuses a body over the limit (413, or 400 with the given message) and drains the rest', async () => {
    const s = new PassThrough();
    const read = readBytes(s, 4);
    s.write('12345');
    expect(await code(read)).toBe(ErrorCode.REQUEST_TOO_LARGE);
    s.end('more');
    await new Promise((r) => s.on('end', r));
    const t = new PassThrough();
    const tooLarge = readBytes(t, 2, 'Artifact size is too large.');
    t.end('123');
    await expect(tooLarge).rejects.toThrow('Artifact size is too large.');
  });

  it('fails with 408 when nothing arrives for the idle timeout (each chunk restarts it)', async () => {
    setBodyIdleTimeout(60);
    const s = new PassThrough();
    const read = readBytes(s, 100);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 35));
      s.write('x');
    }
    expect(await code(read)).toBe(ErrorCode.REQUEST_TIMEOUT);
  });

  it('a client that hangs up mid-body is a 400, not a server error', async () => {
    const s = new PassThrough();
    const read = readBytes(s, 100);
    s.write('{"a"');
    s.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    expect(await code(read)).toBe(ErrorCode.BAD_REQUEST);
    const c = new PassThrough();
    const closed = readBytes(c, 100);
    c.write('{');
    c.destroy();
    expect(await code(closed)).toBe(ErrorCode.BAD_REQUEST);
  });
});
