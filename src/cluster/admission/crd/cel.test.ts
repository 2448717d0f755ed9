import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { JsonObject } from '../../../kube/object.js';
import { packageRoot } from '../../../util/paths.js';
import { formatFieldError } from '../field-errors.js';
import { evalRule } from './cel.js';
import { crdVersionSchema } from './schema-walk.js';
import { validateCustomResource } from './validate.js';

test('CEL subset: the rules Flux CRDs use, decided like CEL; undecidable rules give undefined', () => {
  const cases: [string, JsonObject, boolean | undefined][] = [
    ["!has(self.retryInterval) || self.name == 'RetryOnFailure'", { name: 'RetryOnFailure', retryInterval: '1m' }, true],
    ["!has(self.retryInterval) || self.name == 'RetryOnFailure'", { name: 'Other', retryInterval: '1m' }, false],
    ['has(self.configMapRef) || has(self.secretRef)', {}, false],
    ['(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))', { chart: {}, chartRef: {} }, false],
    ['(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))', { chartRef: {} }, true],
    ["self.type != 'generic-oidc' || (has(self.oidcProviders) && size(self.oidcProviders) > 0)", { type: 'generic-oidc', oidcProviders: [] }, false],
    ["self.provider != 'aws' || !has(self.sts) || self.sts.provider == 'aws'", { provider: 'aws', sts: { provider: 'ldap' } }, false],
    ['self.replicas <= self.max ? true : false', { replicas: 2, max: 3 }, true],
    ["self.name.startsWith('a') && self.tags.size() == 2 && 'x' in self.tags", { name: 'abc', tags: ['x', 'y'] }, true],
    ['self.missing == 1', {}, undefined],
    ['self.missing == 1 || true', {}, true],
    ['self.items.all(i, i > 0)', { items: [1] }, undefined],
    ['self.x == oldSelf.x', { x: 1 }, undefined],
    ['self.a +', { a: 1 }, undefined],
  ];
  for (const [rule, self, want] of cases) assert.equal(evalRule(rule, self), want, `${rule} on ${JSON.stringify(self)}`);
});

test('a HelmRelease violating its CRD rule is rejected with the rule message', () => {
  const path = join(packageRoot(), '..', 'shared', 'reference', 'flux-crds', 'helm.toolkit.fluxcd.io_helmreleases.yaml');
  const crd = parse(readFileSync(path, 'utf8')) as JsonObject;
  const schema = crdVersionSchema(crd, 'v2');
  assert.ok(schema, 'HelmRelease v2 schema');
  const hr = (spec: JsonObject): JsonObject => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'x' }, spec });
  const chart = { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'repo' } } };
  assert.deepEqual(validateCustomResource(hr({ interval: '5m', chart }), schema).map(formatFieldError), []);
  assert.deepEqual(validateCustomResource(hr({ interval: '5m' }), schema).map(formatFieldError), ['spec: Invalid value: "object": either chart or chartRef must be set']);
});
