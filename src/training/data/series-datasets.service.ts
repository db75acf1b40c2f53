import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { readText } from '../../common/http/body';
import { ErrorCode, MlflowError } from '../../common/mlflow-error';
import { ArtifactRepository } from '../../storage/artifact-repository';
import { ArtifactPath } from '../../storage/safe-path';
import {
  cleanBars,
  DailyBar,
  digestOf,
  fromStored,
  pricesAsSeries,
  SeriesDataset,
  SeriesDescription,
  SeriesUploadParser,
  StoredSeriesDataset,
  toStored,
  TrainingInputError,
  YahooCsvParser,
} from '../core';
import { PriceCacheStore } from './price-cache.store';
import {
  checkDatasetName,
  MAX_CSV_BYTES,
  parseStream,
  StreamParser,
  UPLOAD_SOURCE,
  UploadedDataset,
  UploadedDatasetsService,
} from './uploaded-datasets.service';
import { uploadMapping } from './upload-mapping';

/** Where series datasets live in the artifact store: one folder per name, the description written last. */
const ROOT = 'tsflow-datasets';
const DESCRIPTION = 'description.json';
/** The Yahoo export layout: such a CSV without a mapping is a price upload, as before series datasets. */
const PRICE_HEADER = ['date', 'open', 'high', 'low', 'close', 'volume'];

interface StoredDescription extends SeriesDescription {
  data_file: string;
}

export type DatasetListing = (UploadedDataset & { kind: 'prices' }) | Omit<SeriesDescription, 'series'>;

export interface LoadedSeriesDataset {
  dataset: SeriesDataset;
  description: SeriesDescription;
  /** MLflow dataset source (JSON): where the data came from. */
  source: string;
}

/**
 * Datasets uploaded over REST: series datasets (CSV or NDJSON, a declared or inferred
 * mapping) stored in the artifact store where every replica and worker reads them, and price
 * histories in the Yahoo layout (stored as before, in the price cache). A dataset is parsed
 * and validated completely before anything is written; its description is written last, so a
 * failed upload leaves the previous version (or nothing) in place.
 */
@Injectable()
export class SeriesDatasetsService {
  constructor(
    @Inject(ArtifactRepository) private readonly store: ArtifactRepository,
    private readonly prices: UploadedDatasetsService,
    private readonly cache: PriceCacheStore,
  ) {}

  async upload(
    name: string,
    body: Readable | undefined,
    contentType: string | undefined,
    query: Record<string, unknown>,
  ): Promise<UploadedDataset | SeriesDescription> {
    checkDatasetName(name);
    const mapping = uploadMapping(query);
    const ndjson = /^application\/(x-)?(ndjson|jsonl|json-lines|jsonlines)\b/i.test(contentType ?? '');
    const file = `${name}.${ndjson ? 'ndjson' : 'csv'}`;
    const router = new UploadRouter((header) =>
      !ndjson && mapping === undefined && isPriceHeader(header)
        ? new YahooCsvParser(file)
        : new SeriesUploadParser(file, ndjson ? 'ndjson' : 'csv', mapping ?? {}),
    );
    const parsed = await parseStream(body, router, file);
    if (Array.isArray(parsed)) {
      await this.refuseOtherKind(name, 'series');
      return this.prices.store(name, parsed);
    }
    const { stored, description } = (parsed as SeriesUploadParser).end(name);
    await this.refuseOtherKind(name, 'prices');
    return this.save(name, stored, { ...description, uploaded_at: Date.now() });
  }

  /** The description of a dataset (a price upload described as a series: target close, OHLCV observed). */
  async describe(name: string): Promise<SeriesDescription> {
    checkDatasetName(name);
    const stored = await this.description(name);
    if (stored) return withoutDataFile(stored);
    return (await this.priceSeries(name)).description;
  }

  async list(): Promise<DatasetListing[]> {
    const prices = (await this.prices.list()).map((p) => ({ ...p, kind: 'prices' as const }));
    const series: DatasetListing[] = [];
    for (const entry of await this.store.list(ArtifactPath.parse(ROOT))) {
      const d = entry.isDir ? await this.description(entry.name) : undefined;
      if (d) series.push(summary(d));
    }
    return [...prices, ...series].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A dataset for training: a series upload, or a price upload mapped onto the series abstraction. */
  async load(name: string): Promise<LoadedSeriesDataset> {
    checkDatasetName(name);
    const d = await this.description(name);
    if (!d) return this.priceSeries(name);
    const content = await this.store.open(ArtifactPath.parse(`${ROOT}/${name}/${d.data_file}`));
    const stored = JSON.parse(await readText(content.stream, Number.MAX_SAFE_INTEGER)) as StoredSeriesDataset;
    return {
      dataset: fromStored(stored),
      description: withoutDataFile(d),
      source: JSON.stringify({ uri: `mlflow-artifacts:/${ROOT}/${name}/${d.data_file}`, format: d.format }),
    };
  }

  private async save(name: string, stored: StoredSeriesDataset, description: SeriesDescription) {
    const dataFile = `data-${description.digest}.json`;
    const previous = await this.description(name);
    await this.write(`${ROOT}/${name}/${dataFile}`, JSON.stringify(stored));
    await this.write(`${ROOT}/${name}/${DESCRIPTION}`, JSON.stringify({ ...description, data_file: dataFile }));
    if (previous && previous.data_file !== dataFile)
      await this.store.delete(ArtifactPath.parse(`${ROOT}/${name}/${previous.data_file}`));
    return description;
  }

  private async write(path: string, text: string): Promise<void> {
    await this.store.write(ArtifactPath.parse(path), Readable.from([Buffer.from(text, 'utf8')]));
  }

  private async description(name: string): Promise<StoredDescription | undefined> {
    try {
      const content = await this.store.open(ArtifactPath.parse(`${ROOT}/${name}/${DESCRIPTION}`));
      return JSON.parse(await readText(content.stream, MAX_CSV_BYTES)) as StoredDescription;
    } catch (err) {
      if (err instanceof MlflowError && err.code === ErrorCode.RESOURCE_DOES_NOT_EXIST) return undefined;
      throw err;
    }
  }

  private async priceSeries(name: string): Promise<LoadedSeriesDataset> {
    const coverage = await this.cache.coverage(name, UPLOAD_SOURCE);
    if (!coverage) throw MlflowError.notFound(`Dataset '${name}' not found.`);
    const bars = await this.cache.bars(name, UPLOAD_SOURCE, coverage.firstDate, coverage.lastDate);
    const built = pricesAsSeries(cleanBars(bars).bars, `${name}.csv`);
    return {
      dataset: built.dataset,
      description: {
        name,
        format: 'yahoo-csv',
        ...built.description,
        kind: 'prices',
        digest: digestOf(toStored(built.dataset)),
      },
      source: JSON.stringify({ uri: `tsflow-upload://${name}` }),
    };
  }

  /** One name, one kind: a series upload does not silently replace a price history (or the reverse). */
  private async refuseOtherKind(name: string, other: 'prices' | 'series'): Promise<void> {
    const taken =
      other === 'series'
        ? (await this.description(name)) !== undefined
        : (await this.cache.coverage(name, UPLOAD_SOURCE)) !== undefined;
    if (taken)
      throw MlflowError.exists(
        `Dataset '${name}' already holds ${other === 'series' ? 'a series dataset' : 'a price history'}: choose another name.`,
      );
  }
}

function isPriceHeader(line: string): boolean {
  const names = line.split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  return PRICE_HEADER.every((h) => names.includes(h));
}

const withoutDataFile = ({ data_file: _file, ...d }: StoredDescription): SeriesDescription => d;

function summary(d: StoredDescription): Omit<SeriesDescription, 'series'> {
  const { series: _series, data_file: _file, ...rest } = d;
  return rest;
}

/** Buffers the upload until its first line is complete, then hands everything to the parser that line calls for. */
class UploadRouter implements StreamParser<DailyBar[] | SeriesUploadParser> {
  private head = '';
  private parser?: YahooCsvParser | SeriesUploadParser;

  constructor(private readonly choose: (header: string) => YahooCsvParser | SeriesUploadParser) {}

  push(text: string): void {
    if (this.parser) return this.parser.push(text);
    this.head += text;
    const nl = this.head.indexOf('\n');
    if (nl >= 0) this.start();
  }

  end(): DailyBar[] | SeriesUploadParser {
    if (!this.parser) this.start();
    const parser = this.parser as YahooCsvParser | SeriesUploadParser;
    if (parser instanceof YahooCsvParser) return parser.end();
    return parser;
  }

  private start(): void {
    const first = this.head.replace(/^\uFEFF/, '').split(/\r?\n/)[0];
    if (first.trim() === '' && this.head.trim() === '') throw new TrainingInputError('The upload is empty.');
    this.parser = this.choose(first);
    this.parser.push(this.head);
    this.head = '';
  }
}
