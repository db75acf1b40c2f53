/** Public API of the pure training core (no Nest imports; safe in a sandboxed worker). */
export * from './errors';
export * from './bars';
export * from './bundled-data';
export * from './cleaning';
export * from './split';
export * from './scaler';
export * from './windows';
export * from './metrics';
export * from './backend';
export * from './early-stopping';
export * from './model';
export * from './hyperparams';
export * from './dataset';
export * from './predictor';
export * from './mlmodel';
export * from './train';
export * from './plots';
