/** Performance marks the browser benchmark reads (bench/web.bench.ts): compare data arrival and chart draws. */
export function markCompare(phase: 'data' | 'drawn', metric: string): void {
  performance.mark(`compare:${phase}:${metric}`);
}
