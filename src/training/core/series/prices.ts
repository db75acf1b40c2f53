import type { CleanBar } from './bars';
import { BuiltDataset, SeriesDatasetBuilder } from './builder';

const COLUMNS = ['date', 'open', 'high', 'low', 'close', 'adj_close', 'volume'];

/**
 * A price history as a series dataset: target `close`, the other OHLCV fields observed-only
 * covariates, on its own frequency (business days for exchanges, days for crypto), through
 * the same checks as any upload.
 */
export function pricesAsSeries(bars: readonly CleanBar[], name: string): BuiltDataset {
  const builder = new SeriesDatasetBuilder(name, {
    timestamp: 'date',
    target: 'close',
    observed: ['open', 'high', 'low', 'adj_close', 'volume'],
  });
  bars.forEach((b, i) =>
    builder.row(COLUMNS, {
      line: i + 2,
      cells: [b.date, b.open, b.high, b.low, b.close, b.adjClose, b.volume].map(String),
    }),
  );
  return builder.finish(COLUMNS);
}
