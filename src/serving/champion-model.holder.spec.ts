import { afterEach, describe, expect, it, vi } from 'vitest';
import { MlflowError } from '../common/mlflow-error';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../common/metrics/metrics.service';
import { ChampionEvents } from '../registry/champion-events.service';
import type { ModelVersion } from '../registry/registry.types';
import type { Predictor } from '../training/core';
import { ChampionLoader, ServedEntry, TsflowModel } from './champion.loader';
import { ChampionModelHolder, IDLE_UNLOAD_MS } from './champion-model.holder';

/** The registry and model files, in memory: which version is champion, and how loading goes. */
class FakeLoader {
  readonly models = new Map<string, number | undefined>();
  /** Other aliases: 'name@alias' → version. */
  readonly aliases = new Map<string, number>();
  readonly loads: string[] = [];
  readonly failing = new Set<string>();
  disposed: string[] = [];
  gate: Promise<void> | null = null;

  resolve(key: string): Promise<ModelVersion | undefined> {
    const pinned = /^(.+)\/(\d+)$/.exec(key);
    if (pinned) return this.version(pinned[1], Number(pinned[2]));
    if (key.includes('@')) return this.version(key.split('@')[0], this.aliases.get(key));
    return this.champion(key);
  }

  champion(name: string): Promise<ModelVersion | undefined> {
    return this.version(name, this.models.get(name));
  }

  async version(name: string, v: number | undefined): Promise<ModelVersion | undefined> {
    if (!this.models.has(name)) throw MlflowError.notFound(`Registered Model with name=${name} not found`);
    return v === undefined
      ? undefined
      : ({ name, version: v, source: `mem:/${name}`, runId: `run${v}` } as ModelVersion);
  }

  async allChampions(): Promise<Map<string, number>> {
    return new Map([...this.models].filter((e): e is [string, number] => e[1] !== undefined));
  }

  async load(v: ModelVersion): Promise<ServedEntry> {
    const id = `${v.name}@${v.version}`;
    this.loads.push(id);
    if (this.gate) await this.gate;
    if (this.failing.has(id)) throw new Error(`corrupt files of ${id}`);
    const predictor = { backend: 'fake', dispose: () => this.disposed.push(id) } as unknown as Predictor;
    return {
      model: new TsflowModel(predictor, { cleaning: 'interpolate' }, v.source),
      version: String(v.version),
      runId: v.runId ?? null,
      loadedAt: Date.now(),
    };
  }
}

const config = (defaultModel?: string) =>
  ({ redisPrefix: 'test', serving: { defaultModel, championPollMs: 600_000, maxHorizon: 30 } }) as AppConfig;

describe('ChampionModelHolder', () => {
  let holder: ChampionModelHolder;
  let events: ChampionEvents;
  let loader: FakeLoader;

  function start(defaultModel?: string) {
    loader = new FakeLoader();
    events = new ChampionEvents(config(defaultModel));
    holder = new ChampionModelHolder(
      loader as unknown as ChampionLoader,
      events,
      new MetricsService(),
      config(defaultModel),
    );
    holder.onApplicationBootstrap();
  }

  const promote = (name: string, version: number | undefined) => {
    const previous = loader.models.get(name);
    loader.models.set(name, version);
    events.publish({
      model: name,
      version: version === undefined ? null : String(version),
      previousVersion: previous === undefined ? null : String(previous),
      at: Date.now(),
    });
  };

  const versionServed = async (name: string) => {
    const lease = await holder.lease(name);
    lease.release();
    return lease.entry.version;
  };

  afterEach(async () => {
    await holder?.onApplicationShutdown();
  });

  it('concurrent first requests share one load', async () => {
    start();
    loader.models.set('m', 1);
    const versions = await Promise.all(Array.from({ length: 10 }, () => versionServed('m')));
    expect(versions).toEqual(Array(10).fill('1'));
    expect(loader.loads).toEqual(['m@1']);
  });

  it('changes during a load coalesce into one more load of the latest champion; requests keep the old one meanwhile', async () => {
    start();
    promote('m', 1);
    await holder.sync('m');
    let open!: () => void;
    loader.gate = new Promise((r) => (open = r));
    promote('m', 2);
    promote('m', 3);
    promote('m', 4);
    expect(await versionServed('m')).toBe('1'); // never waits for a reload
    open();
    loader.gate = null;
    await holder.sync('m');
    expect(await versionServed('m')).toBe('4');
    expect(loader.loads).toEqual(['m@1', 'm@2', 'm@4']);
    expect(loader.disposed).toEqual(['m@1', 'm@2']);
  });

  it('a failed load keeps the previous champion and is reported until a good one loads', async () => {
    start();
    promote('m', 1);
    await holder.sync('m');
    loader.failing.add('m@2');
    promote('m', 2);
    await holder.sync('m');
    expect(await versionServed('m')).toBe('1');
    expect(holder.status()[0]).toMatchObject({
      name: 'm',
      status: 'load_failed',
      version: '1',
      last_failure: { version: '2', message: 'corrupt files of m@2' },
    });
    promote('m', 3);
    await holder.sync('m');
    expect(holder.status()[0]).toMatchObject({ status: 'ready', version: '3', last_failure: null });
  });

  it('a failed first load answers 503 with the reason, without reloading on every request', async () => {
    start();
    loader.models.set('m', 1);
    loader.failing.add('m@1');
    await expect(holder.lease('m')).rejects.toMatchObject({
      code: 'TEMPORARILY_UNAVAILABLE',
      message: expect.stringContaining('corrupt files of m@1'),
    });
    await expect(holder.lease('m')).rejects.toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE' });
    expect(loader.loads).toEqual(['m@1']);
  });

  it('unknown models are 404 and not remembered; models without champion are 503; removing the alias unloads', async () => {
    start();
    await expect(holder.lease('ghost')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(holder.status()).toEqual([]);
    loader.models.set('empty', undefined);
    await expect(holder.lease('empty')).rejects.toMatchObject({
      code: 'TEMPORARILY_UNAVAILABLE',
      message: expect.stringContaining('no champion yet'),
    });
    promote('m', 1);
    await holder.sync('m');
    promote('m', undefined);
    await holder.sync('m');
    await expect(holder.lease('m')).rejects.toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE' });
    expect(loader.disposed).toEqual(['m@1']);
  });

  it('every key of one version (name, name@alias, name/1) shares one loaded model, freed with its last key', async () => {
    start();
    promote('m', 1);
    loader.aliases.set('m@staging', 1);
    const leases = await Promise.all(['m', 'm/1', 'm@staging'].map((k) => holder.lease(k)));
    leases.forEach((l) => l.release());
    expect(new Set(leases.map((l) => l.entry.model)).size).toBe(1);
    expect(loader.loads).toEqual(['m@1']);
    promote('m', 2);
    await holder.sync('m');
    expect(await versionServed('m')).toBe('2');
    expect(await versionServed('m/1')).toBe('1');
    expect(loader.disposed).toEqual([]); // version 1 is still held by m/1 and m@staging
    loader.aliases.set('m@staging', 2);
    await holder.sync('m@staging');
    expect(loader.loads).toEqual(['m@1', 'm@2']); // staging moved onto the champion's model
    expect(loader.disposed).toEqual([]);
    // Nobody asks for m/1 any more: it is unloaded after IDLE_UNLOAD_MS, and version 1 freed.
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + IDLE_UNLOAD_MS + 1);
    try {
      await versionServed('m@staging'); // in use: stays
      await holder.poll();
    } finally {
      clock.mockRestore();
    }
    expect(loader.disposed).toEqual(['m@1']);
    expect(holder.status().map((s) => [s.name, s.version])).toEqual([
      ['m', '2'],
      ['m@staging', '2'],
    ]);
    await holder.onApplicationShutdown();
    expect(loader.disposed).toEqual(['m@1', 'm@2']); // once, though two keys held it
  });

  it('polling finds champions whose events were missed', async () => {
    start();
    loader.models.set('a', 1);
    loader.models.set('b', 2);
    await holder.poll();
    expect(holder.status().map((s) => [s.name, s.version])).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    loader.models.set('a', 5); // no event
    await holder.poll();
    expect(holder.status()[0].version).toBe('5');
  });

  it('the default model: configured, else the only one served', async () => {
    start();
    await expect(holder.defaultModel()).rejects.toThrow(/No champion model is loaded/);
    promote('a', 1);
    await holder.sync('a');
    expect(await holder.defaultModel()).toBe('a');
    promote('b', 1);
    await holder.sync('b');
    await expect(holder.defaultModel()).rejects.toThrow(/Several models are served \(a, b\)/);
    await holder.onApplicationShutdown();
    start('b');
    expect(await holder.defaultModel()).toBe('b');
  });

  it('without a configured default, a request right after start-up waits for the champions to load', async () => {
    loader = new FakeLoader();
    loader.models.set('only', 1);
    let open!: () => void;
    loader.gate = new Promise((r) => (open = r));
    events = new ChampionEvents(config());
    holder = new ChampionModelHolder(loader as unknown as ChampionLoader, events, new MetricsService(), config());
    holder.onApplicationBootstrap();
    const name = holder.defaultModel();
    setTimeout(open, 20);
    expect(await name).toBe('only');
  });
});
