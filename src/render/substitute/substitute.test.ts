import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../kube/object.js';
import { EnvsubstError, envsubst } from './envsubst.js';
import { SubstitutionError, mergeVariables, substituteObjects } from './substitute.js';

const vars = { name: 'podinfo', empty: '', env: 'Prod', path: 'a/b/c.tar.gz', n: '3' };

test('envsubst expressions', () => {
  const cases: Array<[string, string]> = [
    ['${name}', 'podinfo'],
    ['x-${name}-y', 'x-podinfo-y'],
    ['${missing:=def}', 'def'],
    ['${missing:-def}', 'def'],
    ['${empty:=def}', 'def'],
    ['${empty=def}', ''],
    ['${missing-def}', 'def'],
    ['${name:=def}', 'podinfo'],
    ['${missing:=${name}-x}', 'podinfo-x'],
    ['${#name}', '7'],
    ['${name:3}', 'info'],
    ['${name:0:3}', 'pod'],
    ['${name:-4}', 'podinfo'],
    ['${name: -4}', 'info'],
    ['${path#*/}', 'b/c.tar.gz'],
    ['${path##*/}', 'c.tar.gz'],
    ['${path%.*}', 'a/b/c.tar'],
    ['${path%%.*}', 'a/b/c'],
    ['${name/o/0}', 'p0dinfo'],
    ['${name//o/0}', 'p0dinf0'],
    ['${name/#pod/box}', 'boxinfo'],
    ['${name/%info/cast}', 'podcast'],
    ['${env^^}', 'PROD'],
    ['${env,,}', 'prod'],
    ['${name^}', 'Podinfo'],
    ['$${name}', '${name}'],
    ['$name and $$x', '$name and $$x'],
    ['${1abc} ${ name }', '${1abc} ${ name }'],
    ['${unterminated', '${unterminated'],
    ['cost: $5', 'cost: $5'],
  ];
  for (const [input, want] of cases) assert.equal(envsubst(input, vars), want, input);
});

test('strict mode fails on unset variables without default; non-strict gives empty', () => {
  assert.throws(() => envsubst('a ${nope} b', vars), (e: unknown) => e instanceof EnvsubstError && e.variable === 'nope' && /variable not set \(strict mode\): "nope"/.test(e.message));
  assert.throws(() => envsubst('${nope:0:2}', vars), EnvsubstError);
  assert.equal(envsubst('a ${nope} b', vars, { strict: false }), 'a  b');
});

const deployment = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: '${name}', namespace: 'apps' },
  spec: { replicas: '${n}' as unknown as number, template: { spec: { containers: [{ name: 'c', image: 'img:${tag:=1.0}' }] } } },
});

test('objects: text substitution re-typed by YAML, opt-out, strategy, strict errors name the object', () => {
  const input = [deployment(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep', annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'Disabled' } }, data: { x: '${nope}' } }];
  const out = substituteObjects(input, { vars: { name: 'web', n: '3' } });
  const d = out[0] as JsonObject;
  assert.deepEqual(d.metadata, { name: 'web', namespace: 'apps' });
  assert.equal((d.spec as JsonObject).replicas, 3);
  assert.match(JSON.stringify(d), /img:1\.0/);
  assert.equal(out[1], input[1]);
  assert.equal((input[0]?.metadata as JsonObject).name, '${name}', 'input untouched');
  // WithVariables and no variables: nothing happens, not even strict failures.
  assert.deepEqual(substituteObjects([deployment()], { vars: {} }), [deployment()]);
  assert.throws(
    () => substituteObjects([deployment()], { vars: {}, strategy: 'Always' }),
    (e: unknown) => e instanceof SubstitutionError && e.subject === 'Deployment/apps/${name}' && e.variable === 'name',
  );
  assert.throws(() => substituteObjects([deployment()], { vars: { 'bad-name': 'x' } }), /'bad-name' var name is invalid/);
});

test('variable precedence: later sources win', () => {
  assert.deepEqual(
    mergeVariables([
      { origin: 'ConfigMap/a', data: { x: '1', y: '1' } },
      { origin: 'Secret/b', data: { y: '2' } },
      { origin: 'spec.postBuild.substitute', data: { x: '3' } },
    ]),
    { x: '3', y: '2' },
  );
});
