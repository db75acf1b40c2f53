import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CHAMPION_ALIAS } from './registry.types';

export const CHAMPION_CHANGED = 'champion-changed';

/**
 * The `champion` alias of `model` moved. Versions are MLflow version strings (`"3"`); `version`
 * null means the model has no champion any more (alias deleted, or its version or model deleted
 * or renamed away); `previousVersion` null means there was none before.
 */
export interface ChampionChangedEvent {
  model: string;
  version: string | null;
  previousVersion: string | null;
  /** Unix epoch milliseconds of the change. */
  at: number;
}

export type ChampionListener = (event: ChampionChangedEvent) => void | Promise<void>;

/** What goes over Redis: the event plus the id of the process that published it. */
interface Envelope {
  origin: string;
  event: ChampionChangedEvent;
}

function isEvent(e: unknown): e is ChampionChangedEvent {
  const v = e as ChampionChangedEvent;
  const versionLike = (x: unknown) => x === null || typeof x === 'string';
  return (
    !!v &&
    typeof v.model === 'string' &&
    versionLike(v.version) &&
    versionLike(v.previousVersion) &&
    typeof v.at === 'number'
  );
}

/**
 * `champion-changed` notifications. Listeners in this process hear every change made here
 * right after it commits; with `redisUrl` set, changes are also published on the
 * `<redisPrefix>:champion-changed` channel and changes published by other processes are
 * delivered here (our own messages are recognised by their origin id and not delivered twice).
 * Redis trouble is logged and never fails a registry request: the in-process path always works.
 */
@Injectable()
export class ChampionEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ChampionEvents.name);
  private readonly listeners = new Set<ChampionListener>();
  /** Identifies this process's messages on the shared channel. */
  readonly origin = randomUUID();
  readonly channel: string;
  private publisher?: Redis;
  private subscriber?: Redis;
  private subscribed: Promise<void> = Promise.resolve();
  private redisDown = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.channel = `${config.redisPrefix ?? 'tsflow'}:${CHAMPION_CHANGED}`;
  }

  onModuleInit(): void {
    if (!this.config.redisUrl) return;
    const name = `tsflow-champion-${this.origin.slice(0, 8)}`;
    // Publishing fails fast while Redis is down (logged); the subscription waits for it.
    this.publisher = this.watch(new Redis(this.config.redisUrl, { maxRetriesPerRequest: 1, connectionName: name }));
    this.subscriber = this.watch(new Redis(this.config.redisUrl, { maxRetriesPerRequest: null, connectionName: name }));
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    this.subscribed = this.subscriber
      .subscribe(this.channel)
      .then(() => this.logger.log(`listening for champion changes on Redis channel ${this.channel}`))
      .catch((err: Error) => this.logger.warn(`Redis subscription to ${this.channel} failed: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const client of [this.publisher, this.subscriber]) {
      if (!client) continue;
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    }
  }

  /** Resolves once the Redis subscription is in place (immediately without Redis). */
  whenReady(): Promise<void> {
    return this.subscribed;
  }

  /** EventEmitter-style registration; returns `this`. */
  on(event: typeof CHAMPION_CHANGED, listener: ChampionListener): this {
    if (event === CHAMPION_CHANGED) this.listeners.add(listener);
    return this;
  }

  off(event: typeof CHAMPION_CHANGED, listener: ChampionListener): this {
    if (event === CHAMPION_CHANGED) this.listeners.delete(listener);
    return this;
  }

  /** Registers a listener and returns the function that removes it. */
  subscribe(listener: ChampionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after a committed alias change; only `champion` changes that move it are announced. */
  aliasChanged(model: string, alias: string, previous: number | null, current: number | null): void {
    if (alias !== CHAMPION_ALIAS || previous === current) return;
    this.publish({
      model,
      version: current === null ? null : String(current),
      previousVersion: previous === null ? null : String(previous),
      at: Date.now(),
    });
  }

  /** Delivers locally, then tells the other processes (fire and forget). */
  publish(event: ChampionChangedEvent): void {
    this.logger.log(`champion of '${event.model}': ${event.previousVersion ?? 'none'} -> ${event.version ?? 'none'}`);
    this.deliver(event);
    if (!this.publisher) return;
    const envelope: Envelope = { origin: this.origin, event };
    this.publisher.publish(this.channel, JSON.stringify(envelope)).catch((err: Error) => {
      this.logger.warn(`could not publish champion change of '${event.model}' to Redis: ${err.message}`);
    });
  }

  private receive(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      this.logger.warn(`ignoring malformed message on ${this.channel}`);
      return;
    }
    if (envelope?.origin === this.origin) return; // already delivered locally when published
    if (!isEvent(envelope?.event)) {
      this.logger.warn(`ignoring malformed message on ${this.channel}`);
      return;
    }
    this.deliver(envelope.event);
  }

  /** A failing listener must not break the registry request or the other listeners. */
  private deliver(event: ChampionChangedEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        const result = listener(event);
        if (result && typeof (result as Promise<void>).catch === 'function') {
          (result as Promise<void>).catch((err: Error) =>
            this.logger.error(`champion listener failed: ${err?.message ?? err}`),
          );
        }
      } catch (err) {
        this.logger.error(`champion listener failed: ${(err as Error)?.message ?? err}`);
      }
    }
  }

  /** Logs one warning per outage instead of one per reconnection attempt. */
  private watch(client: Redis): Redis {
    client.on('error', (err: Error) => {
      if (this.redisDown) return;
      this.redisDown = true;
      this.logger.warn(`Redis unavailable (${err.message}); champion changes stay in-process until it recovers`);
    });
    client.on('ready', () => {
      if (!this.redisDown) return;
      this.redisDown = false;
      this.logger.log('Redis connection restored');
    });
    return client;
  }
}
