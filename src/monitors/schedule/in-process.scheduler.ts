import { Logger } from '@nestjs/common';
import type { Monitor } from '../monitor.types';
import { nextTick } from './cron';
import { MonitorScheduler, TickHandler } from './monitor-scheduler';

/** setTimeout's limit: longer waits are re-armed in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Embedded mode: one timer per active monitor, re-armed for the next tick after each one. */
export class InProcessMonitorScheduler extends MonitorScheduler {
  readonly driver = 'in-process' as const;
  private readonly logger = new Logger(InProcessMonitorScheduler.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private onTick?: TickHandler;
  private closed = false;

  async start(onTick: TickHandler): Promise<void> {
    this.onTick = onTick;
  }

  async sync(m: Monitor): Promise<void> {
    await this.remove(m.monitorId);
    if (m.paused || this.closed) return;
    this.arm(m, nextTick(m.config.schedule, new Date()));
  }

  private arm(m: Monitor, at: Date): void {
    const delay = at.getTime() - Date.now();
    const timer = setTimeout(
      () => {
        if (delay > MAX_DELAY_MS) return this.arm(m, at);
        void this.fire(m, at);
      },
      Math.max(0, Math.min(delay, MAX_DELAY_MS)),
    );
    this.timers.set(m.monitorId, timer);
  }

  private async fire(m: Monitor, tick: Date): Promise<void> {
    // Arm the next tick first: a long check must not delay (or lose) the following one.
    if (!this.closed) this.arm(m, nextTick(m.config.schedule, tick));
    try {
      await this.onTick?.(m.monitorId, tick);
    } catch (err) {
      this.logger.error(`tick of monitor ${m.name} failed: ${(err as Error).message}`);
    }
  }

  async remove(monitorId: string): Promise<void> {
    clearTimeout(this.timers.get(monitorId));
    this.timers.delete(monitorId);
  }

  async prune(existing: ReadonlySet<string>): Promise<void> {
    for (const id of [...this.timers.keys()]) if (!existing.has(id)) await this.remove(id);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
