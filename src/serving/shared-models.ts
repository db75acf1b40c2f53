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
    }
    shared.slots++;
    return {
      model: shared.model,
      version: String(version.version),
      runId: version.runId ?? null,
      loadedAt: Date.now(),
    };
  }

  /** A slot of registered model `model` let go of `entry`: the model is disposed with its last slot. */
  release(model: string, entry: ServedEntry): void {
    const key = keyOf(model, entry.version, entry.model.source);
    const shared = this.loaded.get(key);
    if (shared?.model === entry.model) {
      if (--shared.slots > 0) return;
      this.loaded.delete(key);
    }
    entry.model.dispose();
  }
}
