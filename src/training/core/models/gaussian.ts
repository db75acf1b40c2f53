/** A standard normal draw (Box–Muller) from a seeded uniform stream such as the core's seededRandom. */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
