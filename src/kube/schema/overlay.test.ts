import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_TABLE } from './builtin.generated.js';
import { builtinSchemas } from './catalog.js';
import { checkOverlay, POST_V121_FIELDS, withPostV121Fields } from './overlay.js';
import type { SchemaNode } from './types.js';

const at = (node: SchemaNode | undefined, path: string): SchemaNode | undefined =>
  path.split('.').reduce<SchemaNode | undefined>((n, seg) => (seg === '[]' ? n?.items() : n?.field(seg)), node);

test('the post-1.21 overlay only adds: every target exists in the generated table and no entry is already generated', () => {
  assert.deepEqual(checkOverlay(BUILTIN_TABLE.definitions), []);
  // and the check can fail: a generated field reported as a dead entry, a missing target reported
  const pod = BUILTIN_TABLE.definitions['io.k8s.api.core.v1.PodSpec'];
  assert.ok(pod);
  const faked = { ...BUILTIN_TABLE.definitions, 'io.k8s.api.core.v1.PodSpec': { ...pod, properties: { ...pod.properties, os: { type: 'string' } } } };
  delete (faked as Record<string, unknown>)['io.k8s.api.batch.v1.CronJobSpec'];
  assert.deepEqual(
    checkOverlay(faked).map((f) => `${f.definition}:${f.field ?? ''}:${f.problem}`),
    ['io.k8s.api.core.v1.PodSpec:os:already-generated', 'io.k8s.api.batch.v1.CronJobSpec::missing-definition'],
  );
  // generated facts win over the overlay's
  assert.deepEqual(withPostV121Fields(faked)['io.k8s.api.core.v1.PodSpec']?.properties?.os, { type: 'string' });
  assert.ok(Object.keys(POST_V121_FIELDS).length >= 15);
});

test('the built-in catalog serves post-1.21 fields with their types and list semantics', () => {
  const s = builtinSchemas();
  const pod = s.forKind({ group: '', version: 'v1', kind: 'Pod' });
  const cases: [SchemaNode | undefined, string, Partial<Pick<SchemaNode, 'kind' | 'scalar' | 'listType'>> & { keys?: string[] }][] = [
    [pod, 'spec.os.name', { kind: 'scalar', scalar: 'string' }],
    [pod, 'spec.hostUsers', { kind: 'scalar', scalar: 'boolean' }],
    [pod, 'spec.schedulingGates', { kind: 'list', listType: 'map', keys: ['name'] }],
    [pod, 'spec.resourceClaims', { kind: 'list', listType: 'map', keys: ['name'] }],
    [pod, 'spec.initContainers.[].restartPolicy', { kind: 'scalar', scalar: 'string' }],
    [pod, 'spec.containers.[].resizePolicy', { kind: 'list', listType: 'atomic' }],
    [pod, 'spec.containers.[].resources.claims', { kind: 'list', listType: 'map', keys: ['name'] }],
    [pod, 'spec.ephemeralContainers.[].restartPolicy', { kind: 'scalar', scalar: 'string' }],
    [pod, 'spec.containers.[].livenessProbe.grpc.port', { kind: 'scalar', scalar: 'integer' }],
    [pod, 'spec.containers.[].lifecycle.preStop.sleep.seconds', { kind: 'scalar', scalar: 'integer' }],
    [pod, 'spec.topologySpreadConstraints.[].matchLabelKeys', { kind: 'list', listType: 'atomic' }],
    [pod, 'spec.topologySpreadConstraints.[].minDomains', { kind: 'scalar', scalar: 'integer' }],
    [s.forKind({ group: 'apps', version: 'v1', kind: 'StatefulSet' }), 'spec.persistentVolumeClaimRetentionPolicy.whenScaled', { kind: 'scalar', scalar: 'string' }],
    [s.forKind({ group: 'apps', version: 'v1', kind: 'StatefulSet' }), 'spec.ordinals.start', { kind: 'scalar', scalar: 'integer' }],
    [s.forKind({ group: 'batch', version: 'v1', kind: 'Job' }), 'spec.podFailurePolicy.rules.[].onExitCodes.values', { kind: 'list', listType: 'set' }],
    [s.forKind({ group: 'batch', version: 'v1', kind: 'Job' }), 'spec.successPolicy.rules', { kind: 'list', listType: 'atomic' }],
    [s.forKind({ group: 'batch', version: 'v1', kind: 'CronJob' }), 'spec.timeZone', { kind: 'scalar', scalar: 'string' }],
    [s.forKind({ group: 'batch', version: 'v1', kind: 'CronJob' }), 'spec.jobTemplate.spec.template.spec.os', { kind: 'struct' }],
    [s.forKind({ group: '', version: 'v1', kind: 'Service' }), 'spec.trafficDistribution', { kind: 'scalar', scalar: 'string' }],
    [s.forKind({ group: '', version: 'v1', kind: 'PersistentVolumeClaim' }), 'spec.volumeAttributesClassName', { kind: 'scalar', scalar: 'string' }],
    [s.forKind({ group: '', version: 'v1', kind: 'PodTemplate' }), 'template.spec.schedulingGates', { kind: 'list', listType: 'map' }],
    [s.forKind({ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' }), 'spec.behavior.scaleDown.stabilizationWindowSeconds', { kind: 'scalar', scalar: 'integer' }],
  ];
  for (const [root, path, want] of cases) {
    const n = at(root, path);
    assert.ok(n, `${path} is unknown`);
    const { keys, ...facts } = want;
    for (const [k, v] of Object.entries(facts)) assert.equal(n[k as keyof SchemaNode], v, `${path}.${k}`);
    if (keys) assert.deepEqual(n.listMapKeys, keys, path);
  }
  assert.equal(at(pod, 'spec.inventedField'), undefined);
  assert.equal(at(pod, 'spec.os.version'), undefined);
  // field order: generated fields first, overlay fields after
  const names = at(pod, 'spec')?.fieldNames() ?? [];
  assert.ok(names.indexOf('os') > names.indexOf('volumes') && names.indexOf('volumes') >= 0);
});
