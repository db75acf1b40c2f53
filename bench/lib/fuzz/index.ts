export { fingerprint } from './fingerprint';
export { loadOperations, Operation } from './operations';
export { FuzzRequest, generateRequests, requestOf } from './requests';
export { describeFailure, FuzzResult, FuzzStats, runAll, send, summarise } from './runner';
export { RAW_CASES, runRawCases } from './raw-cases';
export { EXTREME_TOKENS, extremeNumberRequests } from './extreme-numbers';
