import { createHash } from 'node:crypto';
import type { ImportSource } from './import-source';
import type { ArtifactOwner, SrcExperiment, SrcMetric, SrcRegisteredModel, SrcRun, SrcTrace } from './import.types';
import { UriMap } from './uri-map';

export interface VerifyOptions {
  /** Compare artifact contents (sha256 of every file on both sides), not only listings. */
  checksums?: boolean;
  /** Stop listing differences after this many (they are still counted). */
  maxListed?: number;
}

export interface VerifyReport {
  experiments: number;
  runs: number;
  metricPoints: number;
  registeredModels: number;
  loggedModels: number;
  traces: number;
  traceSpans: number;
  assessments: number;
  artifactFiles: number;
  differences: string[];
  differenceCount: number;
}

const sortKey = (m: SrcMetric) => `${m.key}\u0000${m.step}\u0000${m.timestamp}\u0000${m.isNan ? 'nan' : m.value}`;
/** Equal as JSON, with lists of key/value pairs compared in key order (servers list them in insertion order). */
const same = (a: unknown, b: unknown) => JSON.stringify(normal(a)) === JSON.stringify(normal(b));
function normal(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(normal);
    const keyed = items.every((x) => x !== null && typeof x === 'object' && 'key' in (x as object));
    return keyed
      ? [...items].sort((x, y) => ((x as { key: string }).key < (y as { key: string }).key ? -1 : 1))
      : items;
  }
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normal(x)]));
  return v;
}

/** Proto3 JSON writes 64-bit integers as numbers or strings: compare them as text. */
function numbersAsText(v: unknown): unknown {
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map(numbersAsText);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbersAsText(x)]));
  return v;
}

/**
 * Compares an MLflow store with tsflow after an import, both read through the same source
 * contract (the tsflow side through its MLflow REST API): experiments by name, every run's
 * attributes, params, tags, datasets and full metric history, logged models, traces, the
 * registry (sources compared after the import's rewrite) and artifact listings with checksums.
 */
export class ImportVerifier {
  private readonly report: VerifyReport = {
    experiments: 0,
    runs: 0,
    metricPoints: 0,
    registeredModels: 0,
    loggedModels: 0,
    traces: 0,
    traceSpans: 0,
    assessments: 0,
    artifactFiles: 0,
    differences: [],
    differenceCount: 0,
  };
  private readonly uris = new UriMap();

  constructor(
    private readonly source: ImportSource,
    private readonly target: ImportSource,
    private readonly options: VerifyOptions = {},
  ) {}

  private diff(what: string): void {
    this.report.differenceCount++;
    if (this.report.differences.length < (this.options.maxListed ?? 200)) this.report.differences.push(what);
  }

  async run(): Promise<VerifyReport> {
    const source = await this.source.describe();
    const target = await this.target.describe();
    const targetExperiments = new Map<string, SrcExperiment>();
    for await (const e of this.target.experiments()) targetExperiments.set(e.name, e);
    for await (const e of this.source.experiments()) {
      this.report.experiments++;
      const t = targetExperiments.get(e.name);
      if (!t) {
        this.diff(`experiment '${e.name}' (${e.id}) is missing`);
        continue;
      }
      this.uris.add(e.artifactLocation, t.artifactLocation);
      if (e.lifecycleStage !== t.lifecycleStage)
        this.diff(`experiment '${e.name}': lifecycle ${e.lifecycleStage} vs ${t.lifecycleStage}`);
      if (!same(e.tags, t.tags)) this.diff(`experiment '${e.name}': tags differ`);
      await this.runs(e, t);
      if (source.has.loggedModels && target.has.loggedModels) await this.loggedModels(e, t);
      await this.traces(e, t);
    }
    await this.registry();
    return this.report;
  }

  private async collect<T>(pages: AsyncIterable<T[]>, id: (x: T) => string): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    for await (const page of pages) for (const x of page) out.set(id(x), x);
    return out;
  }

  private async runs(e: SrcExperiment, t: SrcExperiment): Promise<void> {
    const theirs = await this.collect(this.target.runs(t.id), (r) => r.runId);
    for await (const page of this.source.runs(e.id)) {
      for (const run of page) {
        this.report.runs++;
        const other = theirs.get(run.runId);
        if (!other) {
          this.diff(`run ${run.runId} of '${e.name}' is missing`);
          continue;
        }
        theirs.delete(run.runId);
        await this.compareRun(run, other);
      }
    }
    for (const id of theirs.keys()) this.diff(`run ${id} of '${e.name}' exists only in tsflow`);
  }

  private async compareRun(a: SrcRun, b: SrcRun): Promise<void> {
    const fields = [
      'name',
      'userId',
      'status',
      'startTime',
      'endTime',
      'lifecycleStage',
      'params',
      'tags',
      'inputs',
      'modelInputs',
      'modelOutputs',
    ] as const;
    for (const f of fields) {
      if (!same(a[f], b[f]))
        this.diff(
          `run ${a.runId}: ${f} differ (${JSON.stringify(a[f]).slice(0, 120)} vs ${JSON.stringify(b[f]).slice(0, 120)})`,
        );
    }
    const latest = (r: SrcRun) => [...r.latest].sort((x, y) => (x.key < y.key ? -1 : 1));
    if (!same(latest(a), latest(b))) this.diff(`run ${a.runId}: latest metrics differ`);
    const history = async (src: ImportSource, r: SrcRun) => {
      const all: string[] = [];
      for await (const chunk of src.metricHistory(r)) for (const m of chunk) all.push(sortKey(m));
      return all.sort();
    };
    const [ha, hb] = await Promise.all([history(this.source, a), history(this.target, b)]);
    this.report.metricPoints += ha.length;
    if (ha.length !== hb.length) this.diff(`run ${a.runId}: ${ha.length} metric points vs ${hb.length}`);
    else if (ha.some((x, i) => x !== hb[i])) this.diff(`run ${a.runId}: metric histories differ`);
    await this.artifacts(
      { kind: 'run', id: a.runId, uri: a.artifactUri },
      { kind: 'run', id: b.runId, uri: b.artifactUri },
    );
  }

  private async artifacts(a: ArtifactOwner, b: ArtifactOwner): Promise<void> {
    const list = async (src: ImportSource, o: ArtifactOwner) => {
      const m = new Map<string, number>();
      try {
        for await (const f of src.listArtifacts(o)) m.set(f.path, f.size);
      } catch (err) {
        this.diff(`${o.kind} ${o.id}: artifacts cannot be listed (${(err as Error).message})`);
      }
      return m;
    };
    const [la, lb] = await Promise.all([list(this.source, a), list(this.target, b)]);
    for (const [path, size] of la) {
      this.report.artifactFiles++;
      if (!lb.has(path)) this.diff(`${a.kind} ${a.id}: artifact ${path} is missing`);
      else if (size >= 0 && lb.get(path)! >= 0 && lb.get(path) !== size)
        this.diff(`${a.kind} ${a.id}: artifact ${path} has ${lb.get(path)} bytes, not ${size}`);
      else if (this.options.checksums !== false) {
        const [ca, cb] = await Promise.all([this.sha(this.source, a, path), this.sha(this.target, b, path)]);
        if (ca !== cb) this.diff(`${a.kind} ${a.id}: artifact ${path} differs (sha256)`);
      }
    }
    for (const path of lb.keys())
      if (!la.has(path)) this.diff(`${a.kind} ${a.id}: artifact ${path} exists only in tsflow`);
  }

  private async sha(src: ImportSource, owner: ArtifactOwner, path: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of await src.openArtifact(owner, path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  private async loggedModels(e: SrcExperiment, t: SrcExperiment): Promise<void> {
    const theirs = await this.collect(this.target.loggedModels(t.id), (m) => m.modelId);
    for await (const page of this.source.loggedModels(e.id)) {
      for (const m of page) {
        if (m.lifecycleStage === 'deleted') continue;
        this.report.loggedModels++;
        const o = theirs.get(m.modelId);
        if (!o) {
          this.diff(`logged model ${m.modelId} is missing`);
          continue;
        }
        for (const f of ['name', 'status', 'modelType', 'sourceRunId', 'params', 'tags'] as const) {
          if (!same(m[f], o[f])) this.diff(`logged model ${m.modelId}: ${f} differs`);
        }
        const metrics = (x: typeof m) =>
          x.metrics.map((v) => `${sortKey(v)} ${v.runId} ${v.datasetName} ${v.datasetDigest}`).sort();
        if (!same(metrics(m), metrics(o))) this.diff(`logged model ${m.modelId}: metrics differ`);
        await this.artifacts(
          { kind: 'logged_model', id: m.modelId, uri: m.artifactLocation },
          { kind: 'logged_model', id: o.modelId, uri: o.artifactLocation },
        );
      }
    }
  }

  private async traces(e: SrcExperiment, t: SrcExperiment): Promise<void> {
    const theirs = await this.collect(this.target.traces(t.id), (x) => x.traceId);
    for await (const page of this.source.traces(e.id)) {
      for (const x of page) {
        this.report.traces++;
        const o = theirs.get(x.traceId);
        if (!o) {
          this.diff(`trace ${x.traceId} is missing`);
          continue;
        }
        const tags = (list: typeof x.tags) => list.filter((k) => k.key !== 'mlflow.artifactLocation');
        if (x.state !== o.state || x.requestTimeMs !== o.requestTimeMs)
          this.diff(`trace ${x.traceId}: state or time differs`);
        if (!same(tags(x.tags), tags(o.tags))) this.diff(`trace ${x.traceId}: tags differ`);
        if (!same(x.metadata, o.metadata)) this.diff(`trace ${x.traceId}: metadata differs`);
        this.traceData(x, o);
      }
    }
  }

  /** Spans (when the source keeps them in its store) and assessments, compared by id. */
  private traceData(x: SrcTrace, o: SrcTrace): void {
    if (x.spans !== null) {
      this.report.traceSpans += x.spans.length;
      const theirs = new Map((o.spans ?? []).map((s) => [s.spanId, s]));
      if (x.spans.length !== theirs.size)
        this.diff(`trace ${x.traceId}: ${theirs.size} spans in tsflow, ${x.spans.length} in the source`);
      for (const s of x.spans) {
        const t = theirs.get(s.spanId);
        if (!t) this.diff(`trace ${x.traceId}: span ${s.spanId} is missing`);
        else if (!same(numbersAsText(s.content), numbersAsText(t.content)))
          this.diff(`trace ${x.traceId}: span ${s.spanId} differs`);
      }
    }
    this.report.assessments += x.assessments.length;
    const theirs = new Map(o.assessments.map((a) => [a.assessmentId, a]));
    if (x.assessments.length !== theirs.size)
      this.diff(`trace ${x.traceId}: ${theirs.size} assessments in tsflow, ${x.assessments.length} in the source`);
    for (const a of x.assessments) {
      const t = theirs.get(a.assessmentId);
      if (!t) this.diff(`trace ${x.traceId}: assessment ${a.assessmentId} is missing`);
      else if (!same(numbersAsText(a), numbersAsText(t)))
        this.diff(`trace ${x.traceId}: assessment ${a.assessmentId} differs`);
    }
  }

  private async registry(): Promise<void> {
    const theirs = new Map<string, SrcRegisteredModel>();
    for await (const m of this.target.registeredModels()) theirs.set(m.name, m);
    for await (const m of this.source.registeredModels()) {
      this.report.registeredModels++;
      const o = theirs.get(m.name);
      if (!o) {
        this.diff(`registered model '${m.name}' is missing`);
        continue;
      }
      if ((m.description || null) !== (o.description || null))
        this.diff(`registered model '${m.name}': description differs`);
      if (!same(m.tags, o.tags)) this.diff(`registered model '${m.name}': tags differ`);
      if (!same(m.aliases, o.aliases)) this.diff(`registered model '${m.name}': aliases differ`);
      const versions = new Map(o.versions.map((v) => [v.version, v]));
      for (const v of m.versions) {
        const w = versions.get(v.version);
        if (!w) {
          this.diff(`model version '${m.name}' v${v.version} is missing`);
          continue;
        }
        // An empty description is no description (a 3.x server stores '' where a REST reader sees none).
        if ((v.description || null) !== (w.description || null))
          this.diff(`model version '${m.name}' v${v.version}: description differs`);
        for (const f of ['currentStage', 'status', 'runId', 'tags', 'userId'] as const) {
          if (!same(v[f], w[f])) this.diff(`model version '${m.name}' v${v.version}: ${f} differs`);
        }
        if (this.uris.rewrite(v.source) !== w.source)
          this.diff(
            `model version '${m.name}' v${v.version}: source ${w.source}, expected ${this.uris.rewrite(v.source)}`,
          );
      }
    }
  }
}
