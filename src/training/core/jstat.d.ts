/** The part of jstat (no published types) that the training core uses. */
declare module 'jstat' {
  export const jStat: {
    studentt: { cdf(x: number, dof: number): number };
    normal: { cdf(x: number, mean: number, std: number): number };
  };
}
