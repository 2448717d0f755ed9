/**
 * Differential suite: every tree under testdata/trees is built by the engine and by the real
 * `kubectl kustomize` (v5.5.0 oracle); outputs must be byte-identical, or both must fail.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runTool } from '../../../test/harness/tools.js';
import { packageRoot } from '../../util/paths.js';
import { build } from './build.js';
import { engineBuild, firstDifference, listCases } from './differential.js';
import type { DiffCase } from './differential.js';

const cases = listCases(join(packageRoot(), 'src', 'render', 'kustomize', 'testdata', 'trees'));

test(`differential: ${cases.length} trees equal kubectl kustomize byte for byte`, async () => {
  assert.ok(cases.length >= 150, `expected the generated trees, found ${cases.length}`);
  const failures: string[] = [];
  const queue = [...cases];
  const one = async (c: DiffCase): Promise<void> => {
    const ref = await runTool('kubectl', ['kustomize', c.buildDir]);
    const mine = engineBuild(c);
    if (ref.code !== 0) {
      if (mine.error === undefined) failures.push(`${c.name}: kustomize failed (${ref.stderr.trim()}) but the engine succeeded`);
      return;
    }
    if (mine.yaml === undefined) failures.push(`${c.name}: engine failed: ${mine.error ?? ''}`);
    else if (mine.yaml !== ref.stdout) failures.push(`${c.name}: ${firstDifference(mine.yaml, ref.stdout)}`);
  };
  // Two oracle processes at a time: the machine has two cores shared by everyone.
  await Promise.all(
    [0, 1].map(async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await one(c);
    }),
  );
  assert.deepEqual(failures, []);
});

test("Flux's rule: a tree without kustomization.yaml equals kustomize on the kustomization Flux would write", async () => {
  const src = join(packageRoot(), 'src', 'render', 'kustomize', 'testdata', 'trees', 'flux-generated');
  const tmp = mkdtempSync(join(tmpdir(), 'lockstep-flux-gen-'));
  try {
    cpSync(src, tmp, { recursive: true });
    const mine = build(tmp, { fenceRoot: tmp }).yaml;
    // What fluxcd/pkg's generator writes for this tree: every manifest, lexically, stopping at nested kustomizations.
    writeFileSync(join(tmp, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ./a.yaml\n- ./kus\n- ./sub/b.yml\n');
    const ref = await runTool('kubectl', ['kustomize', tmp]);
    assert.equal(ref.code, 0, ref.stderr);
    assert.equal(mine, ref.stdout);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
