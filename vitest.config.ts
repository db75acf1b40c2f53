import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'web/src/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e.ts'],
    environment: 'node',
    // Builds the fused engine's WebAssembly when missing or stale.
    globalSetup: ['test/support/wasm.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // The JSON report lets CI print a plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-report.json' },
  },
});
