import { describe, expect, it } from 'vitest';
import {
  EXPERIMENTS_GRAMMAR,
  MODEL_VERSIONS_GRAMMAR,
  REGISTERED_MODELS_GRAMMAR,
  RUNS_GRAMMAR,
  type KeySpec,
  type SearchGrammar,
} from './grammars';
import * as api from './index';

const ALL: SearchGrammar[] = [RUNS_GRAMMAR, EXPERIMENTS_GRAMMAR, REGISTERED_MODELS_GRAMMAR, MODEL_VERSIONS_GRAMMAR];

function keySpecs(grammar: SearchGrammar): KeySpec[] {
  return grammar.entities.flatMap((e) => [...(e.anyKey ? [e.anyKey] : []), ...Object.values(e.keys ?? {})]);
}

describe.each(ALL.map((g) => [g.name, g] as const))('grammar %s is self-consistent', (_name, grammar) => {
  it('has exactly one entity for bare identifiers, and it is the attribute entity', () => {
    const bare = grammar.entities.filter((e) => e.bare);
    expect(bare.map((e) => e.entity)).toEqual(['attribute']);
  });

  it('has no prefix claimed by two entities, and no prefix with a dot', () => {
    const prefixes = grammar.entities.flatMap((e) => e.prefixes);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    expect(prefixes.filter((p) => p.includes('.'))).toEqual([]);
  });

  it('gives every entity exactly one of anyKey / keys', () => {
    for (const e of grammar.entities) expect(Boolean(e.anyKey) !== Boolean(e.keys)).toBe(true);
  });

  it('only allows list comparators on keys that can hold lists (runs string attributes excepted)', () => {
    for (const spec of keySpecs(grammar)) {
      const hasList = spec.comparators.includes('IN') || spec.comparators.includes('NOT IN');
      if (spec.kind === 'string-or-list') expect(hasList).toBe(true);
      if (spec.kind === 'number' || spec.kind === 'integer') expect(hasList).toBe(false);
    }
  });

  it('maps every alias to a real key', () => {
    for (const e of grammar.entities) {
      for (const target of Object.values(e.aliases ?? {})) expect(Object.keys(e.keys ?? {})).toContain(target);
    }
    for (const target of Object.values(grammar.orderBy.aliases ?? {}))
      expect(grammar.orderBy.attributes).toContain(target);
  });

  it('only lists orderable entities that exist in the grammar', () => {
    const names = grammar.entities.map((e) => e.entity);
    for (const e of grammar.orderBy.entities) expect(names).toContain(e);
  });

  it('is frozen, so callers cannot corrupt the shared singleton', () => {
    expect(Object.isFrozen(grammar)).toBe(true);
    expect(Object.isFrozen(grammar.entities[0])).toBe(true);
    expect(Object.isFrozen(grammar.orderBy.attributes)).toBe(true);
    expect(() => (grammar.orderBy.attributes as string[]).push('x')).toThrow(TypeError);
  });
});

describe('grammar contents match the spec tables', () => {
  it('runs', () => {
    const byEntity = Object.fromEntries(RUNS_GRAMMAR.entities.map((e) => [e.entity, e]));
    expect(byEntity.metric.prefixes).toEqual(['metric', 'metrics']);
    expect(byEntity.param.prefixes).toEqual(['param', 'params', 'parameter', 'parameters']);
    expect(byEntity.tag.prefixes).toEqual(['tag', 'tags']);
    expect(byEntity.attribute.prefixes).toEqual(['attribute', 'attributes', 'attr', 'run']);
    expect(byEntity.dataset.prefixes).toEqual(['dataset', 'datasets']);
    expect(Object.keys(byEntity.attribute.keys ?? {}).sort()).toEqual([
      'artifact_uri',
      'end_time',
      'run_id',
      'run_name',
      'start_time',
      'status',
      'user_id',
    ]);
    expect(Object.keys(byEntity.dataset.keys ?? {})).toEqual(['name', 'digest', 'context']);
    expect(byEntity.attribute.keys?.run_id.dropUppercaseFromList).toBe(true);
  });

  it('experiments, registered models and model versions have only attributes and tags', () => {
    for (const g of [EXPERIMENTS_GRAMMAR, REGISTERED_MODELS_GRAMMAR, MODEL_VERSIONS_GRAMMAR]) {
      expect(g.entities.map((e) => e.entity)).toEqual(['attribute', 'tag']);
    }
    expect(Object.keys(MODEL_VERSIONS_GRAMMAR.entities[0].keys ?? {})).toEqual([
      'name',
      'version_number',
      'run_id',
      'source_path',
    ]);
  });
});

describe('index re-exports the public API', () => {
  it('exposes the functions and grammars', () => {
    expect(typeof api.parseFilter).toBe('function');
    expect(typeof api.parseOrderBy).toBe('function');
    expect(typeof api.encodePageToken).toBe('function');
    expect(typeof api.decodePageToken).toBe('function');
    expect(api.RUNS_GRAMMAR).toBe(RUNS_GRAMMAR);
    expect(api.MODEL_VERSIONS_GRAMMAR).toBe(MODEL_VERSIONS_GRAMMAR);
  });
});
