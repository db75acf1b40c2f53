/** Series datasets: parsing (CSV / NDJSON, declared or inferred mapping), frequency, gaps, calendar features, panels. */
export * from './timestamps';
export * from './frequency';
export * from './table';
export * from './mapping';
export * from './series-dataset';
export * from './builder';
export * from './upload';
export * from './calendar';
export * from './prices';
export * from './panel';
