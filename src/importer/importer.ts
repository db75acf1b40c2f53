import { createHash } from 'node:crypto';
import type { ArtifactRepositoryResolver } from '../storage/artifact-repository.resolver';
import { copyArtifacts } from './artifact-copy';
import type { ImportSource } from './import-source';
import type { ImportTarget } from './import-target';
import type {
  ArtifactOwner,
  Counts,
  ImportSummary,
  SrcExperiment,
  SrcMetric,
  SrcRegisteredModel,
  SrcRun,
} from './import.types';
import { Progress } from './progress';
import { isCopyable, joinUri, UriMap } from './uri-map';

export interface ImportOptions {
  /** Report what would be imported; write nothing. */
  dryRun?: boolean;
  /** Copy artifacts (default true). */
  artifacts?: boolean;
  progress?: Progress;
}

const counts = (): Counts => ({ seen: 0, imported: 0, unchanged: 0 });

export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

/**
 * Carries an MLflow store into tsflow: experiments, runs with full metric histories, datasets,
 * logged models, traces, the registry and the artifacts, with their identity. Each object is
 * written whole (its own transaction, artifacts copied first) and recorded with a fingerprint,
 * so a second import writes only what is new or changed and a killed one resumes after the last
 * object it finished.
 */
export class Importer {
  private readonly uris = new UriMap();

  constructor(
    private readonly source: ImportSource,
    private readonly target: ImportTarget,
    private readonly destArtifacts: ArtifactRepositoryResolver,
    /** tsflow's default artifact root (new experiment locations go below it). */
    private readonly defaultArtifactRoot: string,
  ) {}

  async run(options: ImportOptions = {}): Promise<ImportSummary> {
    const started = Date.now();
    const description = await this.source.describe();
    const progress = options.progress ?? new Progress(false);
    const s: ImportSummary = {
      source: this.source.label,
      sourceVersion: `${description.kind} ${description.version}`,
      dryRun: !!options.dryRun,
      experiments: counts(),
      runs: counts(),
      metricPoints: 0,
      loggedModels: counts(),
      traces: counts(),
      traceSpans: 0,
      assessments: 0,
      registeredModels: counts(),
      modelVersions: 0,
      artifactFiles: 0,
      artifactBytes: 0,
      experimentIdMap: {},
      warnings: [],
      seconds: 0,
    };
    const ctx = { s, progress, options, copy: options.artifacts !== false && !options.dryRun };
    const experiments: { src: SrcExperiment; dest: string; location: string }[] = [];
    for await (const e of this.source.experiments()) {
      experiments.push(await this.experiment(e, ctx));
    }
    for (const e of experiments) {
      await this.runsOf(e, ctx);
      if (description.has.loggedModels) await this.loggedModelsOf(e, ctx);
      if (description.has.traces) await this.tracesOf(e, ctx);
    }
    for await (const m of this.source.registeredModels()) await this.registeredModel(m, ctx);
    if (!options.dryRun) await this.target.syncSequences();
    progress.done();
    s.seconds = (Date.now() - started) / 1000;
    return s;
  }

  private async experiment(
    e: SrcExperiment,
    ctx: Ctx,
  ): Promise<{ src: SrcExperiment; dest: string; location: string }> {
    const { s } = ctx;
    s.experiments.seen++;
    const state = await this.target.fingerprints(this.source.label, 'experiment');
    const prior = state.get(e.id);
    const priorDest = prior?.split('|')[0];
    let { id } = await this.target.experimentId(e, priorDest);
    const location = (dest: string) =>
      isCopyable(e.artifactLocation) ? joinUri(this.defaultArtifactRoot, dest) : e.artifactLocation;
    if (id !== null && id !== e.id) s.experimentIdMap[e.id] = id;
    const fp = fingerprint(e);
    if (ctx.options.dryRun) {
      if (prior?.split('|')[1] === fp) s.experiments.unchanged++;
      else s.experiments.imported++;
      const dest = id ?? `(new id for ${e.id})`;
      this.uris.add(e.artifactLocation, location(dest));
      return { src: e, dest, location: location(dest) };
    }
    if (prior?.split('|')[1] === fp && id !== null) {
      s.experiments.unchanged++;
    } else {
      id = await this.target.writeExperiment(e, id, location);
      if (id !== e.id) s.experimentIdMap[e.id] = id;
      await this.target.markDone(this.source.label, 'experiment', e.id, `${id}|${fp}`);
      s.experiments.imported++;
    }
    const dest = id as string;
    this.uris.add(e.artifactLocation, location(dest));
    ctx.progress.update(s);
    return { src: e, dest, location: location(dest) };
  }

  private destUri(uri: string, fallback: string): string {
    const mapped = this.uris.rewrite(uri) as string;
    if (mapped !== uri || !isCopyable(uri)) return mapped;
    return fallback;
  }

  private async runsOf(e: { src: SrcExperiment; dest: string; location: string }, ctx: Ctx): Promise<void> {
    const { s } = ctx;
    const state = await this.target.fingerprints(this.source.label, 'run');
    // Reads (artifacts, metric histories) of up to `readAhead` runs overlap the source's latency;
    // writes stay one run at a time, in order, each in its own transaction.
    const inFlight = new Set<Promise<void>>();
    let writes: Promise<void> = Promise.resolve();
    for await (const page of this.source.runs(e.src.id)) {
      for (const run of page) {
        s.runs.seen++;
        const artifactUri = this.destUri(run.artifactUri, joinUri(e.location, run.runId, 'artifacts'));
        if (artifactUri !== this.uris.rewrite(run.artifactUri)) this.uris.add(run.artifactUri, artifactUri);
        const fp = fingerprint([run, artifactUri]);
        if (state.get(run.runId) === fp) {
          s.runs.unchanged++;
          continue;
        }
        s.runs.imported++;
        if (ctx.options.dryRun) continue;
        if (this.source.readAhead <= 1) {
          await this.importRun(run, e.dest, artifactUri, fp, ctx, this.source.metricHistory(run));
          continue;
        }
        const read = this.readRun(run, artifactUri, ctx);
        const task = (writes = writes.then(async () => this.importRun(run, e.dest, artifactUri, fp, ctx, await read)));
        inFlight.add(task);
        void task.finally(() => inFlight.delete(task)).catch(() => undefined);
        if (inFlight.size >= this.source.readAhead) await Promise.race(inFlight);
      }
    }
    await writes;
  }

  /** Copies the run's artifacts and reads its whole metric history ahead of its write. */
  private async readRun(run: SrcRun, artifactUri: string, ctx: Ctx): Promise<AsyncIterable<SrcMetric[]>> {
    if (ctx.copy) await this.copy({ kind: 'run', id: run.runId, uri: run.artifactUri }, artifactUri, ctx);
    const chunks: SrcMetric[][] = [];
    for await (const chunk of this.source.metricHistory(run)) chunks.push(chunk);
    return (async function* () {
      yield* chunks;
    })();
  }

  private async importRun(
    run: SrcRun,
    experimentId: string,
    artifactUri: string,
    fp: string,
    ctx: Ctx,
    history: AsyncIterable<SrcMetric[]>,
  ): Promise<void> {
    if (ctx.copy && this.source.readAhead <= 1) {
      await this.copy({ kind: 'run', id: run.runId, uri: run.artifactUri }, artifactUri, ctx);
    }
    ctx.s.metricPoints += await this.target.writeRun(run, experimentId, artifactUri, history);
    await this.target.markDone(this.source.label, 'run', run.runId, fp);
    ctx.progress.update(ctx.s);
  }

  private async copy(owner: ArtifactOwner, destUri: string, ctx: Ctx): Promise<void> {
    if (!isCopyable(destUri)) return;
    try {
      const dest = this.destArtifacts.resolve(destUri);
      const copied = await copyArtifacts(this.source, owner, dest.repository, dest.base, () =>
        ctx.progress.update(ctx.s),
      );
      ctx.s.artifactFiles += copied.files;
      ctx.s.artifactBytes += copied.bytes;
    } catch (err) {
      ctx.s.warnings.push(`artifacts of ${owner.kind} ${owner.id} (${owner.uri}): ${(err as Error).message}`);
    }
  }

  private async loggedModelsOf(e: { src: SrcExperiment; dest: string; location: string }, ctx: Ctx): Promise<void> {
    const { s } = ctx;
    const state = await this.target.fingerprints(this.source.label, 'logged_model');
    for await (const page of this.source.loggedModels(e.src.id)) {
      for (const m of page) {
        s.loggedModels.seen++;
        const location = this.destUri(m.artifactLocation, joinUri(e.location, 'models', m.modelId, 'artifacts'));
        const fp = fingerprint([m, location]);
        if (state.get(m.modelId) === fp) {
          s.loggedModels.unchanged++;
          continue;
        }
        s.loggedModels.imported++;
        if (ctx.options.dryRun) continue;
        if (ctx.copy) await this.copy({ kind: 'logged_model', id: m.modelId, uri: m.artifactLocation }, location, ctx);
        await this.target.writeLoggedModel(m, e.dest, location);
        await this.target.markDone(this.source.label, 'logged_model', m.modelId, fp);
        ctx.progress.update(s);
      }
    }
  }

  private async tracesOf(e: { src: SrcExperiment; dest: string; location: string }, ctx: Ctx): Promise<void> {
    const { s } = ctx;
    const state = await this.target.fingerprints(this.source.label, 'trace');
    for await (const page of this.source.traces(e.src.id)) {
      for (const t of page) {
        s.traces.seen++;
        const tag = t.tags.find((x) => x.key === 'mlflow.artifactLocation');
        const location = tag ? this.destUri(tag.value, joinUri(e.location, 'traces', t.traceId, 'artifacts')) : null;
        const trace = location
          ? { ...t, tags: t.tags.map((x) => (x === tag ? { key: x.key, value: location } : x)) }
          : t;
        const fp = fingerprint(trace);
        if (state.get(t.traceId) === fp) {
          s.traces.unchanged++;
          continue;
        }
        s.traces.imported++;
        s.traceSpans += t.spans?.length ?? 0;
        s.assessments += t.assessments.length;
        if (ctx.options.dryRun) continue;
        // Span data is either in the store (3.x) or the trace's traces.json artifact (2.x, or a 3.x client of an older server).
        if (ctx.copy && tag && location && t.spans === null)
          await this.copy({ kind: 'trace', id: t.traceId, uri: tag.value }, location, ctx);
        await this.target.writeTrace(trace, e.dest);
        await this.target.markDone(this.source.label, 'trace', t.traceId, fp);
        ctx.progress.update(s);
      }
    }
  }

  private async registeredModel(m: SrcRegisteredModel, ctx: Ctx): Promise<void> {
    const { s } = ctx;
    s.registeredModels.seen++;
    const rewritten: SrcRegisteredModel = {
      ...m,
      versions: m.versions.map((v) => ({
        ...v,
        source: this.uris.rewrite(v.source) as string,
        storageLocation: this.uris.rewrite(v.storageLocation),
      })),
    };
    const state = await this.target.fingerprints(this.source.label, 'registered_model');
    const fp = fingerprint(rewritten);
    if (state.get(m.name) === fp) {
      s.registeredModels.unchanged++;
      return;
    }
    s.registeredModels.imported++;
    s.modelVersions += m.versions.length;
    if (ctx.options.dryRun) return;
    await this.target.writeRegisteredModel(rewritten);
    await this.target.markDone(this.source.label, 'registered_model', m.name, fp);
    ctx.progress.update(s);
  }
}

interface Ctx {
  s: ImportSummary;
  progress: Progress;
  options: ImportOptions;
  copy: boolean;
}
