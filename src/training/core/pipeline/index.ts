/** Training on series datasets: params, the train/validation/test pipeline, the model directory and its predictor. */
export * from './series-params';
export * from './series-train';
export * from './series-model-dir';
export * from './series-predictor';
export * from './series-live';
