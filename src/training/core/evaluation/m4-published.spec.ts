import { describe, expect, it } from 'vitest';
import { modelFamily } from '../models';
import { backtest } from './backtest';
import { findM4Dir, M4_FREQUENCIES, readM4Panel } from './m4-data';

const DIR = findM4Dir(`${__dirname}/../../../..`);
const have = DIR !== undefined;

describe.skipIf(!have)('M4 Weekly, scored as the competition did', () => {
  const f = M4_FREQUENCIES.weekly;
  const panel = have ? readM4Panel(`${DIR}/Weekly-train.csv`, `${DIR}/Weekly-test.csv`, 'weekly') : undefined;

  it('reproduces the published Naive2 figures (sMAPE 9.161, MASE 2.777, OWA 1.000)', async () => {
    const r = await backtest(modelFamily('naive2'), panel!, {
      horizon: f.horizon,
      masePeriod: f.m4Period,
      params: { period: f.m4Period },
    });
    expect(panel!.series).toHaveLength(359);
    expect(r.panel.smape).toBeCloseTo(9.161, 3);
    expect(r.panel.mase).toBeCloseTo(2.777, 3);
    expect(r.panel.owa).toBeCloseTo(1, 6);
  });

  it("reproduces M4's Theta benchmark (OWA 0.971) with M4's weekly setting (ppy 1: no deseasonalisation)", async () => {
    const r = await backtest(modelFamily('theta'), panel!, {
      horizon: f.horizon,
      masePeriod: f.m4Period,
      params: { period: f.m4Period },
    });
    expect(r.panel.owa).toBeCloseTo(0.971, 3);
    expect(r.panel.smape).toBeCloseTo(9.09, 2);
    expect(r.panel.mase).toBeCloseTo(2.637, 3);
  });
});
