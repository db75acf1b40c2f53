import { describe, expect, it } from 'vitest';
import { bayesianConfig, BayesianConfig, defaultStartup, nextTrials, suggestTrial, TrialState } from './bayesian';
import { sampleSpace } from './random';
import { SearchSpace } from './space';
import { planSearch, strategyOf } from './strategy';

const SPACE: SearchSpace = [
  { name: 'lr', kind: 'range', min: 1e-4, max: 1e-1, log: true, int: false },
  { name: 'model', kind: 'choice', values: ['ets', 'theta', 'naive', 'broken'] },
];
const CONFIG: BayesianConfig = { budget: 12, nStartup: 4, parallelism: 2, seed: 7 };
/** Lower is better: theta and small learning rates; 'broken' fails (the scheduler's worst). */
const objective = (p: Record<string, unknown>) =>
  p.model === 'broken' ? Infinity : (p.model === 'theta' ? 0 : 1) + Math.log10(p.lr as number) + 4;

const done = (index: number, params: Record<string, unknown>): TrialState => ({
  index,
  params,
  finished: true,
  value: objective(params),
});
const running = (index: number, params: Record<string, unknown>): TrialState => ({
  index,
  params,
  finished: false,
  value: Infinity,
});

/** Drives a whole search as the scheduler does, finishing in-flight trials in the order `pick` chooses. */
function simulate(config: BayesianConfig, pick: (inFlight: TrialState[]) => TrialState) {
  const trials: TrialState[] = [];
  const submitted: { index: number; inFlight: number }[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    for (const s of nextTrials(SPACE, config, trials)) {
      trials.push(running(s.index, s.params));
      submitted.push({ index: s.index, inFlight: trials.filter((t) => !t.finished).length });
    }
    const inFlight = trials.filter((t) => !t.finished);
    if (inFlight.length === 0) break;
    const t = pick(inFlight);
    Object.assign(t, done(t.index, t.params));
  }
  return { trials, submitted };
}

describe('bayesian scheduling decisions', () => {
  it('submits the first `parallelism` trials as startup draws, then one per free slot', () => {
    const first = nextTrials(SPACE, CONFIG, []);
    expect(first.map((s) => [s.index, s.sampler, s.history, s.pending])).toEqual([
      [0, 'random', [], []],
      [1, 'random', [], [0]],
    ]);
    expect(first[0].params).not.toEqual(first[1].params);
    const trials = first.map((s) => running(s.index, s.params));
    expect(nextTrials(SPACE, CONFIG, trials)).toEqual([]); // both slots taken
    trials[1] = done(1, first[1].params);
    expect(nextTrials(SPACE, CONFIG, trials).map((s) => [s.index, s.history, s.pending])).toEqual([[2, [1], [0]]]);
  });

  it('spends exactly the budget, never more than `parallelism` in flight, trial numbers 0..budget-1 once each', () => {
    for (const order of ['oldest', 'newest'] as const) {
      const { trials, submitted } = simulate(CONFIG, (f) => (order === 'oldest' ? f[0] : f[f.length - 1]));
      expect(trials.map((t) => t.index)).toEqual([...Array(CONFIG.budget).keys()]);
      expect(Math.max(...submitted.map((s) => s.inFlight))).toBe(CONFIG.parallelism);
      expect(nextTrials(SPACE, CONFIG, trials)).toEqual([]);
    }
  });

  it('is reproducible from the seed and the finished trials, whatever is in flight', () => {
    const history = [0, 1, 2, 3, 4].map((i) => done(i, suggestTrial(SPACE, CONFIG, [], i)));
    const a = nextTrials(SPACE, CONFIG, history);
    expect(nextTrials(SPACE, CONFIG, history)).toEqual(a);
    // A trial in flight changes the number of the next trial, not what the finished ones say.
    const withRunning = [...history, running(5, { lr: 0.01, model: 'ets' })];
    const [b] = nextTrials(SPACE, CONFIG, withRunning);
    expect(b.index).toBe(6);
    expect(b.history).toEqual([0, 1, 2, 3, 4]);
    expect(b.pending).toEqual([5]);
    const finished = history.map((t) => ({ params: t.params, value: t.value }));
    const avoid = [...history, withRunning[5]].map((t) => t.params);
    expect(b.params).toEqual(suggestTrial(SPACE, CONFIG, finished, 6, avoid));
  });

  it('never repeats a candidate tried or in flight while the space has others', () => {
    const small: SearchSpace = [
      { name: 'model', kind: 'choice', values: ['a', 'b', 'c', 'd', 'e'] },
      { name: 'trend', kind: 'choice', values: ['N', 'A', 'Ad', 'auto'] },
    ];
    const f = (p: Record<string, unknown>) => (p.model === 'c' ? 0 : 1) + (p.trend === 'Ad' ? 0 : 0.5);
    for (const parallelism of [1, 3]) {
      const config = { budget: 20, nStartup: 4, parallelism, seed: 3 };
      const trials: TrialState[] = [];
      for (let guard = 0; guard < 100; guard++) {
        const batch = nextTrials(small, config, trials);
        for (const s of batch) trials.push(running(s.index, s.params));
        const t = trials.find((x) => !x.finished);
        if (!t) break;
        Object.assign(t, { finished: true, value: f(t.params) });
      }
      expect(trials).toHaveLength(20);
      expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(20);
    }
  });

  it('after the startup trials, suggestions follow the history (not the random draw of that trial)', () => {
    const { trials } = simulate({ ...CONFIG, budget: 40, parallelism: 1 }, (f) => f[0]);
    const late = trials.slice(20);
    const randomDraws = late.map((t) => suggestTrial(SPACE, { ...CONFIG, nStartup: 1000 }, [], t.index));
    expect(late.filter((t, i) => JSON.stringify(t.params) !== JSON.stringify(randomDraws[i])).length).toBe(late.length);
    // Failed trials count as worst: TPE leaves 'broken' and goes for theta.
    expect(late.filter((t) => t.params.model === 'broken').length).toBeLessThanOrEqual(2);
    expect(late.filter((t) => t.params.model === 'theta').length).toBeGreaterThan(late.length / 2);
    const random = sampleSpace(SPACE, 20, 7).map(objective);
    expect(Math.min(...late.map((t) => t.value))).toBeLessThan(Math.min(...random));
  });

  it('validates budget, startup and parallelism, naming the field', () => {
    const ok = { budget: 10, parallelism: 2, seed: 0 };
    expect(bayesianConfig(SPACE, ok)).toEqual({ budget: 10, nStartup: defaultStartup(10), parallelism: 2, seed: 0 });
    expect(defaultStartup(4)).toBe(2);
    expect(defaultStartup(100)).toBe(10);
    expect(bayesianConfig(SPACE, { ...ok, budget: 1, parallelism: 8 }).parallelism).toBe(1);
    expect(() => bayesianConfig(SPACE, { ...ok, budget: undefined })).toThrow(/needs n_candidates/);
    expect(() => bayesianConfig(SPACE, { ...ok, nStartup: 11 })).toThrow(/n_startup must be an integer in \[0, /);
    expect(() => bayesianConfig(SPACE, { ...ok, parallelism: 0 })).toThrow(/parallelism must be/);
    const small: SearchSpace = [{ name: 'model', kind: 'choice', values: ['a', 'b', 'c'] }];
    expect(() => bayesianConfig(small, ok)).toThrow(/exceeds the 3 distinct candidates/);
  });

  it('is planned as strategy bayesian (alias tpe); its options are refused elsewhere', () => {
    expect(strategyOf('tpe')).toBe('bayesian');
    expect(strategyOf(undefined)).toBe('grid');
    const plan = planSearch({
      strategy: 'bayesian',
      space: { units: [8, 16, 32, 64] },
      nCandidates: 3,
      seed: 1,
      parallelism: 2,
    });
    expect(plan.bayesian).toEqual({ budget: 3, nStartup: 1, parallelism: 2, seed: 1 });
    expect(plan.combos).toHaveLength(2);
    expect(() =>
      planSearch({ strategy: 'random', space: { units: [1, 2] }, nCandidates: 1, seed: 0, nStartup: 1 }),
    ).toThrow(/n_startup applies to strategy 'bayesian' only/);
  });
});
