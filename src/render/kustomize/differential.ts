/**
 * The differential harness: builds a tree with the engine and with the real `kubectl kustomize`
 * (the oracle), and compares the outputs byte for byte (or both failing).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from './build.js';

/** One comparison. */
export interface DiffCase {
  name: string;
  root: string;
  buildDir: string;
}

/** Outcome of one comparison. */
export interface DiffOutcome {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * The trees of a testdata directory: `<tree>/overlay` when present, else `<tree>`. Directories whose
 * name starts with `_` are shared bases, not trees. Files may be read anywhere under the trees directory.
 */
export function listCases(treesDir: string): DiffCase[] {
  return readdirSync(treesDir)
    .sort()
    .filter((n) => n !== 'flux-generated' && !n.startsWith('_'))
    .map((name) => {
      const root = join(treesDir, name);
      const overlay = join(root, 'overlay');
      return { name, root: treesDir, buildDir: existsSync(overlay) ? overlay : root };
    });
}

/** Runs the engine on a case; `{ error }` when it fails. */
export function engineBuild(c: DiffCase): { yaml?: string; error?: string } {
  try {
    return { yaml: build(c.buildDir, { fenceRoot: c.root, generateMissingKustomization: false }).yaml };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** First differing line of two texts, for messages. */
export function firstDifference(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}: engine ${JSON.stringify(al[i])} vs kustomize ${JSON.stringify(bl[i])}`;
  }
  return 'identical';
}
