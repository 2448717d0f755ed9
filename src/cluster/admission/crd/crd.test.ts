import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../../kube/object.js';
import { formatFieldError } from '../field-errors.js';
import { applyDefaults, pruneUnknownFields } from './prune-default.js';
import { validateCustomResource } from './validate.js';

const schema: JsonObject = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['image'],
      properties: {
        image: { type: 'string', minLength: 1, pattern: '^[a-z0-9./:-]+$' },
        replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
        mode: { type: 'string', enum: ['fast', 'safe'], default: 'safe' },
        port: { 'x-kubernetes-int-or-string': true },
        name: { type: 'string', maxLength: 5 },
        email: { type: 'string', format: 'email' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3, 'x-kubernetes-list-type': 'set' },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', default: 80 } } },
        },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        options: { type: 'object', nullable: true, properties: { debug: { type: 'boolean', default: false } }, default: {} },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

const cr = (spec: JsonObject): JsonObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels: { a: 'b' } }, spec });

test('defaults are applied recursively, including inside defaults and list items', () => {
  const o = cr({ image: 'nginx', ports: [{ name: 'http' }] });
  applyDefaults(o, schema);
  assert.deepEqual(o.spec, { image: 'nginx', ports: [{ name: 'http', port: 80 }], replicas: 1, mode: 'safe', options: { debug: false } });
  const keep = cr({ image: 'x', replicas: 3, options: null });
  applyDefaults(keep, schema);
  assert.equal((keep.spec as JsonObject).replicas, 3);
  assert.equal((keep.spec as JsonObject).options, null, 'nullable keeps null');
});

test('unknown fields are pruned (not under preserve-unknown-fields) and reported', () => {
  const o = cr({ image: 'x', bogus: 1, ports: [{ name: 'a', weird: true }], extra: { anything: { goes: 1 } }, labels: { k: 'v' }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, x: 1 } });
  (o as JsonObject).topLevel = 'gone';
  const pruned = pruneUnknownFields(o, schema);
  assert.deepEqual(pruned, ['spec.bogus', 'spec.ports[0].weird', 'topLevel']);
  assert.deepEqual(o, cr({ image: 'x', ports: [{ name: 'a' }], extra: { anything: { goes: 1 } }, labels: { k: 'v' }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, x: 1 } }));
});

test('validation errors carry the API server wording', () => {
  const cases: { spec: JsonObject; want: string[] }[] = [
    { spec: { image: 'nginx', replicas: 2 }, want: [] },
    { spec: { image: 'nginx', replicas: 'string' }, want: ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"'] },
    { spec: { replicas: 2 }, want: ['spec.image: Required value'] },
    { spec: { image: 'nginx', replicas: 20 }, want: ['spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10'] },
    { spec: { image: 'nginx', replicas: 0 }, want: ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1'] },
    { spec: { image: 'nginx', mode: 'slow' }, want: ['spec.mode: Unsupported value: "slow": supported values: "fast", "safe"'] },
    { spec: { image: 'NGINX' }, want: ["spec.image: Invalid value: \"NGINX\": spec.image in body should match '^[a-z0-9./:-]+$'"] },
    { spec: { image: 'n', name: 'toolong' }, want: ['spec.name: Too long: may not be longer than 5'] },
    { spec: { image: 'n', port: true }, want: ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"'] },
    { spec: { image: 'n', port: 'http' }, want: [] },
    { spec: { image: 'n', email: 'nope' }, want: ['spec.email: Invalid value: "nope": spec.email in body must be of type email: "nope"'] },
    { spec: { image: 'n', tags: ['a', 'b', 'a'] }, want: ['spec.tags[2]: Duplicate value: "a"'] },
    { spec: { image: 'n', tags: ['a', 'b', 'c', 'd'] }, want: ['spec.tags: Too many: 4: must have at most 3 items'] },
    { spec: { image: 'n', ports: [{ name: 'a' }, { name: 'a' }] }, want: ['spec.ports[1]: Duplicate value: map[string]interface {}{"name":"a"}'] },
    { spec: { image: 'n', ports: [{ port: 1 }] }, want: ['spec.ports[0].name: Required value'] },
    { spec: { image: 'n', labels: { a: 1 } }, want: ['spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"'] },
    { spec: { image: 'n', options: null }, want: [] },
    { spec: { image: 'n', template: { metadata: {} } }, want: ['spec.template.apiVersion: Required value: must not be empty', 'spec.template.kind: Required value: must not be empty'] },
  ];
  for (const c of cases) assert.deepEqual(validateCustomResource(cr(c.spec), schema).map(formatFieldError), c.want, JSON.stringify(c.spec));
  const nullStatus = { ...cr({ image: 'n' }), status: null };
  assert.deepEqual(validateCustomResource(nullStatus, schema).map(formatFieldError), ['status: Invalid value: "null": status in body must be of type object: "null"']);
});
