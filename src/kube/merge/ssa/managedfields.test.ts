import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, KubeObject } from '../../object.js';
import { decodeManagedFields, decodeManagedFieldsCopied } from './managedfields.js';

// The two decoders (checking in place, and checking while copying) accept and refuse the same FieldsV1
// objects with the same messages, nesting limit included.

function withFields(fieldsV1: unknown): Pick<KubeObject, 'metadata'> {
  return { metadata: { name: 'x', managedFields: [{ manager: 'm', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1 } as JsonObject] } };
}

function chain(depth: number, leaf: unknown = {}): unknown {
  let f = leaf;
  for (let i = 0; i < depth; i++) f = { 'f:a': f };
  return f;
}

function outcome(fn: () => unknown): string {
  try {
    const m = fn() as Map<string, { fields: { size(): number } }>;
    return `ok ${[...m.values()].map((e) => e.fields.size()).join(',')}`;
  } catch (e) {
    return (e as Error).message;
  }
}

const cases: [string, unknown, string][] = [
  ['63 levels', chain(63), 'ok 1'],
  ['64 levels', chain(64), 'managedFields[0].fieldsV1: fieldsV1 nested too deeply'],
  ['63 levels, member with a dot', chain(62, { '.': {}, 'f:b': {} }), 'ok 2'],
  ['a leaf that is a string', { 'f:a': 'x' }, 'managedFields[0].fieldsV1: fieldsV1 value of "f:a" must be an object'],
  ['a leaf that is null', { 'f:a': { 'f:b': null } }, 'managedFields[0].fieldsV1: fieldsV1 value of "f:b" must be an object'],
  ['a key without a prefix', { 'f:a': { b: {} } }, 'managedFields[0].fieldsV1: unknown path element "b": must start with f:, k:, v: or i:'],
  ['members and children', { 'f:a': {}, 'f:b': { '.': {}, 'f:c': {}, 'k:{"name":"x"}': { '.': {}, 'f:d': {} } } }, 'ok 5'],
];

for (const [name, fieldsV1, want] of cases) {
  test(`managedFields decoding: ${name}`, () => {
    assert.equal(outcome(() => decodeManagedFields(withFields(fieldsV1))), want);
    assert.equal(outcome(() => decodeManagedFieldsCopied(withFields(fieldsV1))), want);
  });
}
