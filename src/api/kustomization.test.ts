import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { JsonObject, JsonValue } from '../kube/object.js';
import { crdFor } from './crd.js';
import { kustomizationDefinition } from './kinds.js';
import { checkKustomizationSpec, kustomizationRetryIntervalMs, kustomizationTimeoutMs, type KustomizationSpec } from './kustomization.js';
import { stripDescriptions } from './schema.js';

const refDir = '/work/shared/reference/flux-crds';

function get(v: JsonValue | undefined, ...path: Array<string | number>): JsonValue | undefined {
  let cur = v;
  for (const p of path) cur = cur === null || cur === undefined || typeof cur !== 'object' ? undefined : (cur as JsonObject)[p as string];
  return cur;
}

test("Kustomization CRD schema is structurally equal to Flux's (descriptions aside)", async (t) => {
  let refText: string;
  try {
    refText = await readFile(join(refDir, 'kustomize.toolkit.fluxcd.io_kustomizations.yaml'), 'utf8');
  } catch {
    t.skip('Flux reference CRDs not available');
    return;
  }
  const ref = parse(refText) as JsonObject;
  const ours = crdFor(kustomizationDefinition);
  const refVersion = get(ref, 'spec', 'versions', 0);
  const ourVersion = get(ours, 'spec', 'versions', 0);
  assert.deepEqual(stripDescriptions(get(ourVersion, 'schema', 'openAPIV3Schema') ?? null), stripDescriptions(get(refVersion, 'schema', 'openAPIV3Schema') ?? null));
  assert.deepEqual(get(ourVersion, 'additionalPrinterColumns'), get(refVersion, 'additionalPrinterColumns'));
  assert.deepEqual(get(ours, 'spec', 'names'), get(ref, 'spec', 'names'));
  assert.equal(get(ours, 'metadata', 'name'), get(ref, 'metadata', 'name'));
  assert.equal(get(ours, 'metadata', 'annotations', 'kustomize.toolkit.fluxcd.io/substitute'), 'disabled');
});

test('timeout and retryInterval defaults follow Flux', () => {
  const cases: Array<[Partial<KustomizationSpec>, number, number]> = [
    [{ interval: '10m' }, 570_000, 600_000],
    [{ interval: '40s' }, 30_000, 40_000],
    [{ interval: '5m', timeout: '1m', retryInterval: '20s' }, 60_000, 20_000],
  ];
  for (const [spec, timeout, retry] of cases) {
    const full = spec as KustomizationSpec;
    assert.equal(kustomizationTimeoutMs(full), timeout, JSON.stringify(spec));
    assert.equal(kustomizationRetryIntervalMs(full), retry, JSON.stringify(spec));
  }
});

test('spec checks name the field', () => {
  const ok: KustomizationSpec = { interval: '5m', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } };
  assert.deepEqual(checkKustomizationSpec(ok), []);
  const cases: Array<[Partial<KustomizationSpec>, string[]]> = [
    [{ ...ok, sourceRef: { kind: 'OCIRepository', name: 'x' } }, ['spec.sourceRef.kind']],
    [{ ...ok, interval: 'soon', timeout: '1d' }, ['spec.interval', 'spec.timeout']],
    [{ ...ok, path: '../../etc' }, ['spec.path']],
    [{ ...ok, dependsOn: [{ name: 'a', readyExpr: 'true' }] }, ['spec.dependsOn[0].readyExpr']],
    [{ interval: '1m' }, ['spec.sourceRef.name', 'spec.prune']],
  ];
  for (const [spec, fields] of cases) assert.deepEqual(checkKustomizationSpec(spec).map((p) => p.field), fields, JSON.stringify(spec));
});
