export * from './backtest';
export * from './m4-data';
export * from './measures';
export * from './panel-scores';
