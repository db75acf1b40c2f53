import { CronExpressionParser } from 'cron-parser';
import type { MonitorSchedule } from '../monitor.types';

/** A schedule problem, worded for the user (the service makes it a 400). */
export class ScheduleError extends Error {}

/** Faster than this would be a check storm: seconds-precision crons must not tick more than every 10 s. */
const MIN_INTERVAL_MS = 10_000;

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parse(s: MonitorSchedule, from: Date) {
  return CronExpressionParser.parse(s.cron, { tz: s.timezone, currentDate: from, strict: false });
}

/** Throws ScheduleError unless the cron expression (5 or 6 fields, or @daily & co.) and time zone are valid. */
export function validateSchedule(s: MonitorSchedule): void {
  if (typeof s.timezone !== 'string' || !validTimeZone(s.timezone))
    throw new ScheduleError(
      `Unknown time zone '${String(s.timezone).slice(0, 64)}': use an IANA name such as UTC or America/New_York.`,
    );
  const cron = typeof s.cron === 'string' ? s.cron.trim() : '';
  const fields = cron.split(/\s+/).length;
  if (!cron.startsWith('@') && fields !== 5 && fields !== 6)
    throw new ScheduleError(
      `Invalid cron expression '${cron.slice(0, 64)}': expected 5 fields (minute hour day month weekday) or 6 (seconds first).`,
    );
  let first: Date;
  let second: Date;
  try {
    const it = parse({ ...s, cron }, new Date());
    first = it.next().toDate();
    second = it.next().toDate();
  } catch (err) {
    throw new ScheduleError(`Invalid cron expression '${cron.slice(0, 64)}': ${(err as Error).message}.`);
  }
  if (second.getTime() - first.getTime() < MIN_INTERVAL_MS)
    throw new ScheduleError(`Cron expression '${cron}' ticks more often than every ${MIN_INTERVAL_MS / 1000} s.`);
}

/** The first tick strictly after `after`. */
export function nextTick(s: MonitorSchedule, after: Date): Date {
  return parse(s, after).next().toDate();
}

/** The latest tick at or before `at`. */
export function latestTick(s: MonitorSchedule, at: Date): Date {
  // prev() is strictly before currentDate: step 1 ms past `at` so a tick exactly at `at` counts.
  return parse(s, new Date(at.getTime() + 1))
    .prev()
    .toDate();
}

/**
 * The tick a scheduler that was down should run on start: the latest tick up to now, if it
 * is later than both the last tick the monitor ran and its creation. Only the latest: a
 * server down for a week runs one check, not one per missed day.
 */
export function missedTick(
  s: MonitorSchedule,
  m: { lastTick: string | null; createdAt: number },
  now: Date,
): Date | undefined {
  const tick = latestTick(s, now);
  const floor = Math.max(m.createdAt, m.lastTick ? Date.parse(m.lastTick) : 0);
  return tick.getTime() > floor ? tick : undefined;
}

/**
 * A tick delivered after a later tick was already due (e.g. BullMQ's overdue job after the
 * deployment was down): the start-up catch-up runs the latest tick instead, so it is skipped.
 */
export function superseded(s: MonitorSchedule, tick: Date, now: Date): boolean {
  return latestTick(s, now).getTime() > tick.getTime();
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone: the "today" of a scheduled check. */
export function localDate(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}
