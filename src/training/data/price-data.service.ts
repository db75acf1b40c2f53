import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import {
  CleanBar,
  cleanBars,
  CleaningStrategy,
  DailyBar,
  DataSourceError,
  isIsoDate,
  parseYahooCsv,
  TrainingInputError,
} from '../core';
import { PriceCacheStore } from './price-cache.store';
import { UPLOAD_SOURCE } from './uploaded-datasets.service';
import { YahooPriceSource } from './yahoo.source';
import { replayFetch } from './yahoo-replay';

export const DATA_SOURCES = ['sample', 'yahoo', 'csv'] as const;
export type DataSourceKind = (typeof DATA_SOURCES)[number];

export interface DatasetSpec {
  /** Price histories: the ticker; series datasets: the dataset name (as `name`). */
  ticker: string;
  /** A series dataset uploaded over REST (then `ticker` repeats the name, for logs and run names). */
  name?: string;
  source?: DataSourceKind;
  start_date?: string;
  end_date?: string;
  /** csv: a file under the data directory (e.g. `MSFT.csv`); default `<ticker>.csv`. */
  path?: string;
}

export interface LoadedDataset {
  name: string;
  sourceType: DataSourceKind;
  /** JSON description for MLflow's dataset input. */
  source: string;
  digest: string;
  bars: DailyBar[];
  start: string;
  end: string;
}

const TICKER = /^[A-Za-z0-9^.=_-]{1,32}$/;
const DAY = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Price histories for training: bundled samples (`data/`), CSV files in the data directory,
 * and Yahoo Finance with a per-ticker cache in the database refreshed incrementally (only
 * the days outside the cached range are fetched).
 */
@Injectable()
export class PriceDataService {
  private readonly logger = new Logger(PriceDataService.name);
  private readonly yahoo: YahooPriceSource;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cache: PriceCacheStore,
  ) {
    this.yahoo = new YahooPriceSource(config.yahooReplayDir ? replayFetch(config.yahooReplayDir) : undefined);
  }

  async load(spec: DatasetSpec): Promise<LoadedDataset> {
    const source = spec.source ?? 'sample';
    if (!TICKER.test(spec.ticker ?? ''))
      throw new TrainingInputError(
        `Invalid ticker '${String(spec.ticker).slice(0, 40)}': use letters, digits and ^ . = _ - (at most 32).`,
      );
    const { start, end } = this.range(spec, source);
    const uploaded =
      source === 'csv' && !spec.path && (await this.cache.coverage(spec.ticker, UPLOAD_SOURCE)) !== undefined;
    const bars =
      source === 'yahoo'
        ? await this.fromYahoo(spec.ticker, start, end)
        : uploaded
          ? await this.cache.bars(spec.ticker, UPLOAD_SOURCE, start, end)
          : this.fromFile(spec, source, start, end);
    if (bars.length === 0)
      throw new TrainingInputError(`No daily bars for ${spec.ticker} (${source}) between ${start} and ${end}.`);
    const digest = createHash('sha256').update(JSON.stringify(bars)).digest('hex').slice(0, 16);
    const uri =
      source === 'yahoo'
        ? `yahoo://${spec.ticker}`
        : uploaded
          ? `tsflow-upload://${spec.ticker}`
          : `file://${this.filePath(spec, source)}`;
    return {
      name: `${spec.ticker} daily ${bars[0].date}..${bars[bars.length - 1].date}`,
      sourceType: source,
      source: JSON.stringify({ uri, start_date: start, end_date: end }),
      digest,
      bars,
      start,
      end,
    };
  }

  /**
   * Exogenous series of a dataset: each ticker from the same source over the same period
   * (from a few days earlier, so the first rows have a value to align), cleaned like the
   * main series. An unknown ticker is the caller's error (400) and says which one.
   */
  async loadExogenous(
    spec: DatasetSpec,
    tickers: readonly string[],
    cleaning: CleaningStrategy,
  ): Promise<Record<string, CleanBar[]>> {
    const out: Record<string, CleanBar[]> = {};
    const start =
      spec.start_date && isIsoDate(spec.start_date) ? isoDay(Date.parse(spec.start_date) - 10 * DAY) : undefined;
    for (const ticker of tickers) {
      try {
        const loaded = await this.load({ ticker, source: spec.source, start_date: start, end_date: spec.end_date });
        out[ticker] = cleanBars(loaded.bars, { strategy: cleaning }).bars;
      } catch (err) {
        if (err instanceof TrainingInputError)
          throw new TrainingInputError(`exogenous ticker ${ticker}: ${err.message}`);
        throw err;
      }
    }
    return out;
  }

  private range(spec: DatasetSpec, source: DataSourceKind): { start: string; end: string } {
    for (const [name, v] of [
      ['start_date', spec.start_date],
      ['end_date', spec.end_date],
    ] as const) {
      if (v !== undefined && !isIsoDate(v))
        throw new TrainingInputError(`'${name}' must be a date YYYY-MM-DD, got '${String(v).slice(0, 40)}'.`);
    }
    const end = spec.end_date ?? (source === 'yahoo' ? isoDay(Date.now()) : '9999-12-31');
    const start = spec.start_date ?? (source === 'yahoo' ? isoDay(Date.parse(end) - 10 * 365 * DAY) : '0000-01-01');
    if (start > end) throw new TrainingInputError(`Empty date range: start_date ${start} is after end_date ${end}.`);
    return { start, end };
  }

  private filePath(spec: DatasetSpec, source: DataSourceKind): string {
    const name = source === 'csv' && spec.path ? spec.path : `${spec.ticker}.csv`;
    const root = this.config.dataDir;
    const file = path.resolve(root, name);
    if (path.isAbsolute(name) || !file.startsWith(root + path.sep) || name.includes('\0')) {
      throw new TrainingInputError(
        `Invalid CSV path '${name.slice(0, 80)}': it must be a file inside the data directory.`,
      );
    }
    return file;
  }

  private fromFile(spec: DatasetSpec, source: DataSourceKind, start: string, end: string): DailyBar[] {
    const file = this.filePath(spec, source);
    if (!fs.existsSync(file)) {
      const available = fs.existsSync(this.config.dataDir)
        ? fs.readdirSync(this.config.dataDir).filter((f) => f.endsWith('.csv'))
        : [];
      throw new TrainingInputError(
        `Unknown ${source} dataset '${path.basename(file)}'. Available: ${available.map((f) => f.replace(/\.csv$/, '')).join(', ') || 'none'}.`,
      );
    }
    const bars = parseYahooCsv(fs.readFileSync(file, 'utf8'), path.basename(file));
    return bars.filter((b) => b.date >= start && b.date <= end);
  }

  /** Cached range first; fetch only the missing days before and after it. */
  private async fromYahoo(ticker: string, start: string, end: string): Promise<DailyBar[]> {
    const covered = await this.cache.coverage(ticker, 'yahoo');
    const gaps: [string, string][] = [];
    if (!covered) gaps.push([start, end]);
    else {
      if (start < covered.firstDate) gaps.push([start, isoDay(Date.parse(covered.firstDate) - DAY)]);
      if (end > covered.lastDate) gaps.push([isoDay(Date.parse(covered.lastDate) + DAY), end]);
    }
    for (const [from, to] of gaps) {
      let bars: DailyBar[];
      try {
        bars = await this.yahoo.fetch(ticker, from, to);
      } catch (err) {
        // A refresh that finds nothing new is fine when the cache already has data.
        if (covered && err instanceof DataSourceError && !err.transient) continue;
        throw err;
      }
      this.logger.log(`cached ${bars.length} ${ticker} bars from Yahoo (${from} → ${to})`);
      await this.cache.save(ticker, 'yahoo', bars, from, to);
    }
    return this.cache.bars(ticker, 'yahoo', start, end);
  }
}
