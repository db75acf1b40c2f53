import { describe, expect, it } from 'vitest';
import { parseAuthorization } from './credentials';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('parseAuthorization', () => {
  it('reads basic (password may hold colons) and bearer credentials', () => {
    expect(parseAuthorization(`Basic ${b64('alice:pa:ss')}`)).toEqual({
      kind: 'basic',
      username: 'alice',
      password: 'pa:ss',
    });
    expect(parseAuthorization('bearer tsf_abc')).toEqual({ kind: 'bearer', token: 'tsf_abc' });
    expect(parseAuthorization(undefined)).toEqual({ kind: 'none' });
  });

  it('anything else is malformed (a 401, never a 500)', () => {
    for (const h of [
      'Basic',
      'Basic !!!',
      `Basic ${b64('nocolon')}`,
      `Basic ${b64(':pw')}`,
      'Negotiate x',
      'x'.repeat(9000),
      ['a'],
    ])
      expect(parseAuthorization(h).kind, String(h).slice(0, 20)).toBe('malformed');
  });
});
