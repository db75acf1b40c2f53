import { describe, expect, it } from 'vitest';
import { invalidMessage } from '../../test/support/mlflow-errors';
import { GridSearchRequest, planHalving, planParams, searchPlan } from './search-plan';

const req = (over: Partial<GridSearchRequest>): GridSearchRequest => ({
  dataset: { ticker: 'MSFT' },
  grid: { units: [4, 8] },
  ...over,
});

describe('searchPlan', () => {
  it('defaults to the full grid with sampler seed 0', () => {
    const plan = searchPlan(req({ params: { epochs: 3 } }));
    expect(plan).toMatchObject({ strategy: 'grid', seed: 0, fixed: { epochs: 3 } });
    expect(plan.combos).toEqual([{ units: 4 }, { units: 8 }]);
    expect(planParams(plan, undefined)).toEqual([{ key: 'search.strategy', value: 'grid' }]);
  });

  it("halving's max_resource becomes every candidate's epochs, without touching the request", () => {
    const params = { units: 4 };
    const plan = searchPlan(req({ params, strategy: 'halving', halving: { max_resource: 9 } }));
    expect(plan.fixed).toEqual({ units: 4, epochs: 9 });
    expect(params).toEqual({ units: 4 });
    const halving = planHalving(req({ strategy: 'halving', halving: { eta: 2 } }), plan, [9, 9]);
    expect(halving).toEqual({ eta: 2, minResource: 1 });
    expect(planParams(plan, halving)).toEqual([
      { key: 'search.strategy', value: 'halving' },
      { key: 'halving.eta', value: '2' },
      { key: 'halving.min_resource', value: '1' },
    ]);
  });

  it('refuses max_resource that disagrees with epochs, and halving options on other strategies', () => {
    expect(
      invalidMessage(() =>
        searchPlan(req({ params: { epochs: 5 }, strategy: 'halving', halving: { max_resource: 9 } })),
      ),
    ).toMatch(/halving.max_resource \(9\) and params.epochs \(5\) disagree/);
    expect(
      invalidMessage(() =>
        searchPlan(req({ grid: { epochs: [3, 9] }, strategy: 'halving', halving: { max_resource: 9 } })),
      ),
    ).toMatch(/remove 'epochs' from grid/);
    expect(invalidMessage(() => searchPlan(req({ strategy: 'grid', halving: { eta: 3 } })))).toMatch(
      /'halving' options apply to strategy 'halving' only/,
    );
  });

  it('records budget and seed of a random search on the parent run', () => {
    const plan = searchPlan(
      req({ strategy: 'random', n_candidates: 2, search_seed: 5, grid: { units: { min: 2, max: 9 } } }),
    );
    expect(plan.combos).toHaveLength(2);
    expect(planParams(plan, undefined)).toEqual([
      { key: 'search.strategy', value: 'random' },
      { key: 'search.n_candidates', value: '2' },
      { key: 'search.seed', value: '5' },
    ]);
    expect(planHalving(req({}), plan, [10])).toBeUndefined();
  });
});
