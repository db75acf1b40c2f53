/**
 * Searches that submit candidates as others finish (bayesian): the reconciler asks the driver
 * to catch up on every open one at start and periodically (what a restart or a missed
 * completion event left undone). Implemented by the training API's BayesianScheduler, declared
 * here so that the jobs layer does not depend on it.
 */
export abstract class SearchDriver {
  abstract advanceOpen(): Promise<void>;
}
