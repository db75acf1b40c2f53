import type { CheckStatus, Decision, Monitor, MonitorCheck, MonitorConfig, MonitorState } from './monitor.types';

export interface NewMonitor {
  monitorId: string;
  name: string;
  modelName: string;
  config: MonitorConfig;
  paused: boolean;
  state: MonitorState;
}

export interface CheckOutcome {
  status: Exclude<CheckStatus, 'running'>;
  asOf?: string | null;
  decision?: Decision | null;
  report?: MonitorCheck['report'];
  error?: string | null;
  retrainJobId?: string | null;
}

/**
 * Monitors and their check history. Names are unique (RESOURCE_ALREADY_EXISTS on a clash is
 * the caller's to raise: `create` returns false). `claimTick` is the one place that decides
 * which process runs a scheduled tick: the first insert of `(monitorId, tick)` wins.
 */
export abstract class MonitorsStore {
  /** False when the name is taken. */
  abstract create(m: NewMonitor): Promise<boolean>;
  abstract get(monitorId: string): Promise<Monitor | undefined>;
  /** Oldest first. */
  abstract list(limit: number, offset: number): Promise<Monitor[]>;
  /** Every monitor (schedulers, metrics). */
  abstract all(): Promise<Monitor[]>;
  abstract update(monitorId: string, patch: { config?: MonitorConfig; paused?: boolean; name?: string }): Promise<void>;
  abstract saveState(monitorId: string, state: MonitorState): Promise<void>;
  /** Removes the monitor and its checks; false when it did not exist. */
  abstract delete(monitorId: string): Promise<boolean>;
  /**
   * Inserts a `running` check for this tick unless one exists: returns it when this call
   * inserted it (the caller runs the check), undefined when another process got there first.
   */
  abstract claimTick(
    monitorId: string,
    tick: string,
    trigger: MonitorCheck['trigger'],
    checkId: string,
  ): Promise<MonitorCheck | undefined>;
  abstract finishCheck(checkId: string, outcome: CheckOutcome): Promise<void>;
  abstract check(checkId: string): Promise<MonitorCheck | undefined>;
  /** Newest first. */
  abstract checks(monitorId: string, limit: number): Promise<MonitorCheck[]>;
  /** Checks still `running` that started after `since` (ms): a manual check waits for none. */
  abstract running(monitorId: string, since: number): Promise<MonitorCheck[]>;
}
