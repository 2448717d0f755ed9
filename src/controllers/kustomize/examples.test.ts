/**
 * The bundled examples/ repository: every kustomization in it builds with Lockstep's engine exactly as
 * with `kubectl kustomize` (the oracle), and every Kustomization object in clusters/ passes the spec checks.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { checkKustomizationSpec, type KustomizationSpec } from '../../api/kustomization.js';
import type { JsonObject } from '../../kube/object.js';
import { build } from '../../render/kustomize/index.js';
import { packageRoot } from '../../util/paths.js';
import { runTool } from '../../../test/harness/tools.js';

const root = join(packageRoot(), 'examples');

function kustomizationDirs(dir: string, out: string[] = []): string[] {
  if (existsSync(join(dir, 'kustomization.yaml'))) out.push(dir);
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) kustomizationDirs(join(dir, e.name), out);
  return out;
}

test('every kustomization in examples/ builds like kubectl kustomize', async () => {
  const dirs = kustomizationDirs(root);
  assert.ok(dirs.length >= 8, `found ${dirs.length}`);
  for (const dir of dirs) {
    const ours = build(dir, { fenceRoot: root, restrictor: 'None' }).objects;
    const oracle = await runTool('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', dir]);
    assert.equal(oracle.code, 0, oracle.stderr);
    assert.deepEqual(ours, parseAllDocuments(oracle.stdout).map((d) => d.toJSON() as JsonObject), relative(root, dir));
  }
});

test('the Kustomizations of clusters/<env> are valid and reference existing paths', () => {
  for (const env of ['staging', 'production']) {
    const dir = join(root, 'clusters', env);
    const objs = build(dir, { fenceRoot: root }).objects.filter((o) => o.kind === 'Kustomization');
    assert.deepEqual(objs.map((o) => (o.metadata as JsonObject).name).sort(), ['apps', 'infrastructure']);
    for (const o of objs) {
      const spec = o.spec as unknown as KustomizationSpec;
      assert.deepEqual(checkKustomizationSpec(spec), [], env);
      assert.ok(existsSync(join(root, spec.path ?? '')), `${env}: ${spec.path}`);
    }
  }
});
