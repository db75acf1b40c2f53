/**
 * Preloaded (`node --require`) into a profiled server child: exit normally on SIGTERM/SIGINT.
 * Node writes `--cpu-prof` profiles only on a normal exit, and Nest's shutdown hooks end by
 * re-raising the signal, which would kill the process before the profile is written.
 */
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => process.exit(0));
}
export {};
