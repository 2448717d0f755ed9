import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonEqual } from './object.js';

const o = (v: Record<string, unknown>): Record<string, unknown> => v;
const proto = JSON.parse('{"__proto__": {"x": 1}}') as unknown;

const cases: { name: string; a: unknown; b: unknown; equal: boolean }[] = [
  { name: 'same scalars', a: 1, b: 1, equal: true },
  { name: 'number vs string', a: 1, b: '1', equal: false },
  { name: 'null vs object', a: null, b: {}, equal: false },
  { name: 'null vs null', a: null, b: null, equal: true },
  { name: 'member order ignored', a: { a: 1, b: [1, 2] }, b: { b: [1, 2], a: 1 }, equal: true },
  { name: 'array order matters', a: [1, 2], b: [2, 1], equal: false },
  { name: 'array vs object with index keys', a: ['x'], b: { 0: 'x' }, equal: false },
  { name: 'object vs array', a: {}, b: [], equal: false },
  { name: 'missing member', a: { a: 1 }, b: { a: 1, b: 2 }, equal: false },
  { name: 'undefined member counts as absent', a: o({ a: 1, b: undefined }), b: { a: 1 }, equal: true },
  { name: 'undefined vs null member', a: o({ a: undefined }), b: { a: null }, equal: false },
  { name: 'nested difference', a: { s: { c: [{ n: 'a', p: 1 }] } }, b: { s: { c: [{ n: 'a', p: 2 }] } }, equal: false },
  { name: 'own __proto__ member compared as data', a: proto, b: JSON.parse('{"__proto__": {"x": 1}}') as unknown, equal: true },
  { name: 'own __proto__ member vs none', a: proto, b: {}, equal: false },
  { name: 'inherited members are not members', a: Object.create({ x: 1 }) as unknown, b: {}, equal: true },
];

for (const c of cases) {
  test(`jsonEqual: ${c.name}`, () => {
    assert.equal(jsonEqual(c.a, c.b), c.equal);
    assert.equal(jsonEqual(c.b, c.a), c.equal, 'symmetric');
  });
}
