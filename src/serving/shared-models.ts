import { downloadUri, ModelVersion } from '../registry/registry.types';
import type { ServedEntry, ServedModel } from './champion.loader';

/** One loaded model per registered model, version and files. */
const keyOf = (model: string, version: string, source: string) => `${model}\n${version}\n${source}`;

/**
 * The models the champion holder has loaded, counted by the slots that hold them: every key that
 * resolves to one version (`name`, `name@alias`, `name/3`) shares one model (one ONNX session),
 * loaded once however many keys ask for it at the same time, and freed with its last slot.
 */
export class SharedModels {
  private readonly loaded = new Map<string, { model: ServedModel; slots: number }>();
  private readonly pending = new Map<string, Promise<ServedEntry>>();
  /** The key each loaded model is shared under (releases find it by the model itself). */
  private readonly keys = new Map<ServedModel, string>();

  constructor(private readonly load: (version: ModelVersion) => Promise<ServedEntry>) {}

  /** Models in memory. */
  get size(): number {
    return this.loaded.size;
  }

  /** An entry for one more slot holding `version`. */
  async acquire(version: ModelVersion): Promise<ServedEntry> {
    const key = keyOf(version.name, String(version.version), downloadUri(version));
    let shared = this.loaded.get(key);
    if (!shared) {
      let pending = this.pending.get(key);
      if (!pending) {
        pending = this.load(version).finally(() => this.pending.delete(key));
        this.pending.set(key, pending);
      }
      const entry = await pending;
      shared = this.loaded.get(key) ?? { model: entry.model, slots: 0 };
      this.loaded.set(key, shared);
      this.keys.set(shared.model, key);
    }
    shared.slots++;
    return {
      model: shared.model,
      version: String(version.version),
      runId: version.runId ?? null,
      loadedAt: Date.now(),
    };
  }

  /** A slot let go of `entry`: its model is disposed with its last slot. */
  release(entry: ServedEntry): void {
    const key = this.keys.get(entry.model);
    const shared = key === undefined ? undefined : this.loaded.get(key);
    if (shared) {
      if (--shared.slots > 0) return;
      this.loaded.delete(key!);
      this.keys.delete(entry.model);
    }
    entry.model.dispose();
  }
}
