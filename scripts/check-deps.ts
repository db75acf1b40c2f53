import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * The dependency check of `npm test`: dependency-cruiser's rules (.dependency-cruiser.cjs: no
 * file-level cycle, no arrow from a lower floor to a higher one), plus what a file-level check
 * cannot see, cycles between folders: between domains (src/<domain>), and between the sibling
 * folders of one domain (src/training/jobs ↔ src/training/execution). A folder importing its
 * own parent's files (types beside the module) is not a cycle between siblings.
 */
interface Cruise {
  modules: { source: string; dependencies: { resolved: string }[] }[];
  summary: { violations: { rule: { name: string }; from: string; to: string }[] };
}

function cruise(root: string): Cruise {
  const bin = path.join(root, 'node_modules', '.bin', 'depcruise');
  const out = spawnSync(bin, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (out.status !== 0 && !out.stdout) throw new Error(`depcruise failed: ${out.stderr || out.error?.message}`);
  return JSON.parse(out.stdout) as Cruise;
}

/** Strongly connected components of more than one node (Tarjan). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) visit(w);
      if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, low.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do scc.push((w = stack.pop()!));
    while (w !== v);
    if (scc.length > 1) out.push(scc.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** Pure libraries inside a domain folder that any floor may use: a node of their own. */
const LIBRARIES = ['training/core'];

/** Folder graph: `level` 1 = src/<domain>; 2 = src/<domain>/<sub> (a domain's root files left out). */
function folderEdges(result: Cruise, level: 1 | 2): Map<string, Set<string>> {
  const folder = (file: string) => {
    const parts = file.split('/');
    if (parts[0] !== 'src' || parts.length < level + 2) return undefined;
    const library = LIBRARIES.find((l) => file.startsWith(`src/${l}/`));
    return library ?? parts.slice(1, level + 1).join('/');
  };
  const edges = new Map<string, Set<string>>();
  for (const m of result.modules) {
    const a = folder(m.source);
    for (const d of m.dependencies) {
      const b = folder(d.resolved);
      if (!a || !b || a === b || (level === 2 && a.split('/')[0] !== b.split('/')[0])) continue;
      if (!edges.has(a)) edges.set(a, new Set());
      edges.get(a)!.add(b);
    }
  }
  return edges;
}

function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const result = cruise(root);
  const problems = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  for (const level of [1, 2] as const)
    for (const scc of cycles(folderEdges(result, level))) problems.push(`folder cycle: ${scc.join(' ↔ ')}`);
  if (problems.length) {
    process.stderr.write(`${problems.length} dependency problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`dependencies: no cycle, no upward import (${result.modules.length} modules)\n`);
}

main();
