import { describe, expect, it } from 'vitest';
import { LogThrottle } from './log-throttle';

describe('LogThrottle', () => {
  it('logs the first failure, then one line per period with the count suppressed', () => {
    let t = 0;
    const lines: string[] = [];
    const throttle = new LogThrottle(
      (m) => lines.push(m),
      30_000,
      () => t,
    );
    for (; t < 61_000; t += 500) throttle.report('queue: connect ECONNREFUSED');
    expect(lines).toEqual([
      'queue: connect ECONNREFUSED',
      'queue: connect ECONNREFUSED (59 similar in the last 30 s)',
      'queue: connect ECONNREFUSED (59 similar in the last 30 s)',
    ]);
  });
});
