/** The promotion floor: a candidate whose skill against persistence is significantly negative is never promoted. */
export interface FloorCheck {
  passed: boolean;
  test_skill: number | null;
  test_dm_pvalue: number | null;
  alpha: number;
  /** Recorded beside the decision (not part of the rule): the candidate's 80% interval coverage and validation skill. */
  test_coverage_80: number | null;
  val_skill: number | null;
  /** A series model: the floor is seasonal naive on validation (val_skill >= 0). */
  series?: boolean;
}

export const FLOOR_ALPHA = 0.05;

/** Pure (no model loading): the registry checks manual promotions with it too. */
export function promotionFloor(metrics: Record<string, number> | undefined): FloorCheck {
  const num = (k: string) => (typeof metrics?.[k] === 'number' && Number.isFinite(metrics[k]) ? metrics[k] : null);
  if (num('val_snaive_mase') !== null) return seriesFloor(num);
  const s = num('test_skill');
  const p = num('test_dm_pvalue');
  const significantlyWorse = s !== null && p !== null && s < 0 && p < FLOOR_ALPHA;
  return {
    passed: !significantlyWorse,
    test_skill: s,
    test_dm_pvalue: p,
    alpha: FLOOR_ALPHA,
    test_coverage_80: num('test_coverage_80'),
    val_skill: num('val_skill'),
  };
}

/**
 * The floor of a series model: never promoted when it loses to seasonal naive on validation
 * (val_skill = 1 - MASE / seasonal naive's MASE on the same origins, below 0).
 */
function seriesFloor(num: (k: string) => number | null): FloorCheck {
  const skill = num('val_skill');
  return {
    passed: skill !== null && skill >= 0,
    test_skill: num('test_skill'),
    test_dm_pvalue: null,
    alpha: FLOOR_ALPHA,
    test_coverage_80: num('test_coverage_80'),
    val_skill: skill,
    series: true,
  };
}

export const fmt4 = (v: number | null | undefined): string =>
  v === null || v === undefined ? 'n/a' : Number(v.toPrecision(4)).toString();

/** Why a floor check failed, in the words every refusal uses. */
export function floorFailure(floor: FloorCheck): string {
  if (floor.series) return `loses to seasonal naive on validation (val_skill=${fmt4(floor.val_skill)} < 0)`;
  return (
    `loses significantly to persistence on its test days (test_skill=${fmt4(floor.test_skill)}, ` +
    `Diebold-Mariano p=${fmt4(floor.test_dm_pvalue)} < ${floor.alpha})`
  );
}
