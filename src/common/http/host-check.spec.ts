import { describe, expect, it } from 'vitest';
import { hostMatcher, originMatcher } from './host-check';

describe('hostMatcher', () => {
  it('matches names, ports, port wildcards and subdomain wildcards; nothing else', () => {
    const ok = hostMatcher(['localhost:*', '127.0.0.1:5000', 'mlflow.example.com', '*.internal', '[::1]:*']);
    for (const h of [
      'localhost:5000',
      'localhost',
      '127.0.0.1:5000',
      'mlflow.example.com:443',
      'a.b.internal:1',
      '[::1]:80',
    ])
      expect(ok(h), h).toBe(true);
    for (const h of [
      undefined,
      '',
      'evil.com',
      '127.0.0.1:5001',
      'mlflow.example.com.evil.com',
      'internal',
      'localhost:x',
      'a b',
    ])
      expect(ok(h), String(h)).toBe(false);
  });

  it('* allows any Host', () => {
    expect(hostMatcher(['*'])('anything:1')).toBe(true);
  });
});

describe('originMatcher', () => {
  it('matches exact origins (case-insensitive, trailing slash ignored in the list)', () => {
    const ok = originMatcher(['https://UI.example.com/']);
    expect(ok('https://ui.example.com')).toBe(true);
    expect(ok('https://ui.example.com:8443')).toBe(false);
    expect(ok('null')).toBe(false);
  });
});
