/** The Redis the tests use (`.ci/run` starts one on the default port); each test file picks its own key prefix. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
