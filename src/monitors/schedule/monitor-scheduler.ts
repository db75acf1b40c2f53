import type { Monitor } from '../monitor.types';

/** What a scheduler calls on each tick: claims the tick (once across processes) and runs the check. */
export type TickHandler = (monitorId: string, tick: Date) => Promise<void>;

/**
 * Fires each active monitor's cron ticks. Two drivers with one contract: BullMQ job
 * schedulers when Redis is configured (one job per tick for the whole deployment, taken by
 * one consumer) and in-process timers in the embedded mode. Either way the check itself
 * claims `(monitor, tick)` in the database first, so a tick never runs twice.
 */
export abstract class MonitorScheduler {
  abstract readonly driver: 'bullmq' | 'in-process';
  abstract start(onTick: TickHandler): Promise<void>;
  /** Arms the monitor's schedule (again: after a change), or disarms a paused monitor. */
  abstract sync(m: Monitor): Promise<void>;
  abstract remove(monitorId: string): Promise<void>;
  /** Drops schedules of monitors that no longer exist (deleted while the scheduler was unreachable). */
  abstract prune(existing: ReadonlySet<string>): Promise<void>;
  abstract close(): Promise<void>;
}
