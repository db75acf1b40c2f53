import { describe, expect, it } from 'vitest';
import { latestTick, localDate, missedTick, nextTick, ScheduleError, superseded, validateSchedule } from './cron';

const NY_CLOSE = { cron: '30 18 * * 1-5', timezone: 'America/New_York' };

describe('monitor schedules', () => {
  it('reads the cron expression in its time zone (DST included)', () => {
    // Mon 1 Jul 2024, EDT (UTC-4): 18:30 local is 22:30 UTC.
    expect(nextTick(NY_CLOSE, new Date('2024-07-01T00:00:00Z')).toISOString()).toBe('2024-07-01T22:30:00.000Z');
    // Friday after the close → Monday.
    expect(nextTick(NY_CLOSE, new Date('2024-07-05T23:00:00Z')).toISOString()).toBe('2024-07-08T22:30:00.000Z');
    // January, EST (UTC-5).
    expect(nextTick(NY_CLOSE, new Date('2024-01-08T00:00:00Z')).toISOString()).toBe('2024-01-08T23:30:00.000Z');
    expect(localDate(new Date('2024-07-02T02:00:00Z'), 'America/New_York')).toBe('2024-07-01');
    expect(localDate(new Date('2024-07-02T02:00:00Z'), 'UTC')).toBe('2024-07-02');
  });

  it('latest tick counts a tick exactly at the given instant', () => {
    const s = { cron: '0 * * * *', timezone: 'UTC' };
    expect(latestTick(s, new Date('2024-07-01T10:00:00Z')).toISOString()).toBe('2024-07-01T10:00:00.000Z');
    expect(latestTick(s, new Date('2024-07-01T10:59:59Z')).toISOString()).toBe('2024-07-01T10:00:00.000Z');
  });

  it('a missed tick runs once: only the latest one, and only if not run yet', () => {
    const daily = { cron: '0 6 * * *', timezone: 'UTC' };
    const created = Date.parse('2024-07-01T00:00:00Z');
    const now = new Date('2024-07-08T12:00:00Z'); // down for a week: 8 ticks missed
    expect(missedTick(daily, { lastTick: null, createdAt: created }, now)?.toISOString()).toBe(
      '2024-07-08T06:00:00.000Z',
    );
    // Already ran today's tick: nothing missed.
    expect(missedTick(daily, { lastTick: '2024-07-08T06:00:00.000Z', createdAt: created }, now)).toBeUndefined();
    // Created after the latest tick: nothing missed (the next tick is the first).
    expect(missedTick(daily, { lastTick: null, createdAt: Date.parse('2024-07-08T07:00:00Z') }, now)).toBeUndefined();
    // Last ran yesterday: today's tick is owed.
    expect(missedTick(daily, { lastTick: '2024-07-07T06:00:00.000Z', createdAt: created }, now)).toBeDefined();
  });

  it('a tick delivered after the next one was due is superseded; a slightly late one is not', () => {
    const daily = { cron: '0 6 * * *', timezone: 'UTC' };
    const tick = new Date('2024-07-01T06:00:00Z');
    expect(superseded(daily, tick, new Date('2024-07-01T06:00:02Z'))).toBe(false);
    expect(superseded(daily, tick, new Date('2024-07-02T05:59:59Z'))).toBe(false);
    expect(superseded(daily, tick, new Date('2024-07-02T06:00:00Z'))).toBe(true);
    expect(superseded(daily, tick, new Date('2024-07-08T12:00:00Z'))).toBe(true);
  });

  it('rejects bad expressions, unknown time zones and storms with clear messages', () => {
    const bad = (cron: string, timezone = 'UTC') => {
      try {
        validateSchedule({ cron, timezone });
        return 'ok';
      } catch (err) {
        expect(err).toBeInstanceOf(ScheduleError);
        return (err as Error).message;
      }
    };
    expect(bad('0 6 * * *')).toBe('ok');
    expect(bad('@daily', 'Europe/Paris')).toBe('ok');
    expect(bad('*/30 * * * * *')).toBe('ok');
    expect(bad('* * * *')).toMatch(/expected 5 fields/);
    expect(bad('61 * * * *')).toMatch(/Invalid cron expression '61 \* \* \* \*'/);
    expect(bad('hello world x y z')).toMatch(/Invalid cron expression/);
    expect(bad('0 6 * * *', 'Mars/Olympus')).toMatch(/Unknown time zone 'Mars\/Olympus'/);
    expect(bad('* * * * * *')).toMatch(/more often than every 10 s/);
  });
});
