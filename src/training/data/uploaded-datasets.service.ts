import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { bodyChunks } from '../../common/http/body';
import { ErrorCode, MlflowError } from '../../common/mlflow-error';
import { cleanBars, DailyBar, YahooCsvParser } from '../core';
import { PriceCacheStore } from './price-cache.store';

/** Where uploaded CSV datasets live in the price cache (the dataset name is the "ticker"). */
export const UPLOAD_SOURCE = 'csv-upload';
const NAME = /^[A-Za-z0-9^.=_-]{1,32}$/;
/** A century of daily bars is ~2 MB: 16 MB is room enough, and bounds the memory of one upload. */
export const MAX_CSV_BYTES = 16 * 1024 * 1024;

export interface UploadedDataset {
  name: string;
  rows: number;
  first_date: string;
  last_date: string;
}

/**
 * CSV price histories uploaded over REST (Yahoo export layout). They are parsed at upload, so
 * a broken cell is a 400 naming its line and column, and stored in the database, so every API
 * replica and worker can train on them with `source: csv`.
 */
@Injectable()
export class UploadedDatasetsService {
  constructor(private readonly cache: PriceCacheStore) {}

  async upload(name: string, body: Readable | undefined): Promise<UploadedDataset> {
    checkDatasetName(name);
    return this.store(name, await parseStream(body, new YahooCsvParser(`${name}.csv`), `${name}.csv`));
  }

  /** Stores parsed bars under `name` (replacing a previous upload of that name). */
  async store(name: string, bars: DailyBar[]): Promise<UploadedDataset> {
    const dates = cleanBars(bars).bars.map((b) => b.date);
    if (dates.length === 0) throw MlflowError.invalid(`${name}.csv has no usable rows.`);
    const [first, last] = [dates[0], dates[dates.length - 1]];
    await this.cache.replace(name, UPLOAD_SOURCE, bars, first, last);
    return { name, rows: bars.length, first_date: first, last_date: last };
  }

  async list(): Promise<UploadedDataset[]> {
    return (await this.cache.series(UPLOAD_SOURCE)).map((s) => ({
      name: s.ticker,
      rows: s.rows,
      first_date: s.firstDate,
      last_date: s.lastDate,
    }));
  }
}

export function checkDatasetName(name: string): void {
  if (!NAME.test(name))
    throw MlflowError.invalid(
      `Invalid dataset name '${name.slice(0, 40)}': use letters, digits and ^ . = _ - (at most 32).`,
    );
}

/** A parser fed a streamed upload a piece at a time. */
export interface StreamParser<T> {
  push(text: string): void;
  end(): T;
}

/**
 * Parses the upload as it arrives, one network chunk at a time with a turn of the event loop
 * between chunks: other requests are served while a large file is read (it used to be read
 * whole, split, then parsed in one go, stalling every request for seconds).
 */
export async function parseStream<T>(
  body: Readable | undefined,
  parser: StreamParser<T>,
  file: string,
  first = '',
): Promise<T> {
  const decoder = new StringDecoder('utf8');
  let size = Buffer.byteLength(first);
  if (first) parser.push(first);
  if (body) {
    for await (const chunk of bodyChunks(body)) {
      size += chunk.length;
      if (size > MAX_CSV_BYTES) {
        body.resume();
        throw new MlflowError(ErrorCode.REQUEST_TOO_LARGE, `${file} exceeds the limit of ${MAX_CSV_BYTES} bytes.`);
      }
      parser.push(decoder.write(chunk));
      await yieldToLoop();
    }
  }
  parser.push(decoder.end());
  return parser.end();
}
