import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { TrackingStore } from '../../experiments/tracking.store';
import { parseUri } from '../../storage/artifact-uri';
import { AreaContext, areaKey, AreaKey, overlap, servedByServer, within } from './artifact-areas';

const MAX_CACHED_KEYS = 1_000_000;

/** What a reference to an artifact URI needs: permission on these experiments, an admin, or nothing. */
export type AreaOwners = { experiments: string[] } | 'admin-only';

/**
 * Answers which experiments' artifact areas a URI lies in, from the experiments' stored
 * locations (each experiment's area holds its runs' artifacts, its logged models and traces).
 */
@Injectable()
export class ArtifactAreaIndex {
  private readonly ctx: AreaContext;
  private readonly defaultRoot: AreaKey | undefined;

  constructor(
    private readonly tracking: TrackingStore,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'artifactsDestination' | 'defaultArtifactRoot'>,
  ) {
    this.ctx = { artifactsDestination: config.artifactsDestination, cwd: process.cwd() };
    this.defaultRoot = areaKey(config.defaultArtifactRoot, this.ctx);
  }

  /** Keys of stored locations (a location never changes; computing a key may touch the disk). */
  private readonly keys = new Map<string, AreaKey | undefined>();

  private keyOf(location: string): AreaKey | undefined {
    if (!this.keys.has(location)) {
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
      this.keys.set(location, areaKey(location, this.ctx));
    }
    return this.keys.get(location);
  }

  private async areas(): Promise<{ experimentId: string; key: AreaKey | undefined }[]> {
    const rows = await this.tracking.experimentArtifactLocations();
    return rows.map((r) => ({ experimentId: r.experimentId, key: this.keyOf(r.artifactLocation) }));
  }

  /**
   * Who may read (or write) through `uri`: the owners of every area it lies in. A URI the server
   * would serve itself that holds other areas (a parent directory, the root), lies in no area
   * (admins' space, or a bucket the server's credentials reach), or cannot be read safely is
   * for admins only. Local paths in no area are left to the handler (they must lie in a run).
   */
  async owners(uri: string): Promise<AreaOwners | undefined> {
    const served = servedByServer(uri);
    const key = areaKey(uri, this.ctx);
    if (key === undefined) return served ? 'admin-only' : undefined;
    const areas = await this.areas();
    if (areas.some((a) => a.key !== undefined && a.key !== key && within(key, a.key))) return 'admin-only';
    const experiments = areas.filter((a) => a.key !== undefined && within(a.key, key)).map((a) => a.experimentId);
    if (experiments.length > 0) return { experiments };
    const local = parseUri(uri).scheme === undefined || parseUri(uri).scheme === 'file';
    return served && !local ? 'admin-only' : undefined;
  }

  /**
   * Whether a new experiment location would share files with another experiment's area, either
   * way, or with the directories the default root gives future experiments (`<root>/<id>`).
   */
  async overlapsAnother(location: string): Promise<boolean> {
    const key = areaKey(location, this.ctx);
    if (key === undefined) return true;
    if (this.defaultRoot !== undefined && within(this.defaultRoot, key)) {
      const first = key.slice(this.defaultRoot.replace(/\/$/, '').length + 1).split('/')[0];
      if (first === '' || /^\d+$/.test(first)) return true;
    }
    if (this.defaultRoot !== undefined && within(key, this.defaultRoot)) return true;
    return (await this.areas()).some((a) => a.key !== undefined && overlap(a.key, key));
  }
}
