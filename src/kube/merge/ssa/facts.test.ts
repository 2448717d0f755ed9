import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../object.js';
import { builtinSchemas } from '../../schema/index.js';
import type { SchemaNode } from '../../schema/types.js';
import { factsOf, itemElementBy } from './facts.js';
import { itemElement } from './shape.js';

// Path elements of list-map items are remembered per list schema node by the values of their key fields:
// whatever the order of the calls, the remembered element must be the one computed afresh.

const deployment = builtinSchemas().forKind({ group: 'apps', version: 'v1', kind: 'Deployment' }) as SchemaNode;
const podSpec = deployment.field('spec')?.field('template')?.field('spec') as SchemaNode;
const containers = podSpec.field('containers') as SchemaNode;
const ports = containers.items()?.field('ports') as SchemaNode;

/** A list-map keyed by two string fields (no built-in kind has one). */
function twoStringKeys(): SchemaNode {
  const scalar: SchemaNode = { kind: 'scalar', scalar: 'string', field: () => undefined, fieldNames: () => [], items: () => undefined };
  const item: SchemaNode = { kind: 'struct', field: (n) => (n === 'a' || n === 'b' ? scalar : undefined), fieldNames: () => ['a', 'b'], items: () => undefined };
  return { kind: 'list', listType: 'map', listMapKeys: ['a', 'b'], field: () => undefined, fieldNames: () => [], items: () => item };
}

const tricky = fc.constantFrom<JsonValue>('', 'x', 's', ':', '1:', 's1:x', 'n1;', '80', 80, 8, 0, 'TCP', undefined as unknown as JsonValue);

test('remembered path elements of list-map items are the ones computed afresh', () => {
  const lists = [ports, twoStringKeys(), containers];
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(2), tricky, tricky), { minLength: 1, maxLength: 30 }), (calls) => {
      for (const [which, a, b] of calls) {
        const s = lists[which] as SchemaNode;
        const keys = s.listMapKeys as readonly string[];
        const item: JsonObject = {};
        if (a !== undefined) item[keys[0] as string] = a;
        if (b !== undefined && keys[1] !== undefined) item[keys[1]] = b;
        let want: string | undefined;
        try {
          want = itemElement(s, item);
        } catch {
          want = undefined;
        }
        let got: string | undefined;
        try {
          got = itemElementBy(factsOf(s), item);
        } catch {
          got = undefined;
        }
        assert.equal(got, want);
      }
    }),
    { numRuns: 300, seed: 20261125 },
  );
});
