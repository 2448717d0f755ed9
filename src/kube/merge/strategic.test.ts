import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../object.js';
import { builtinSchemas } from '../schema/index.js';
import type { PatchStrategy, SchemaNode } from '../schema/types.js';
import { MergeError, MergeErrorCode } from './errors.js';
import { cloneJson } from './jsonpatch.js';
import { applyMergePatch } from './mergepatch.js';
import { applyStrategicMergePatch, strategicMergeObject } from './strategic.js';
import { deployment, widget } from './testdata/objects.js';

// ---- hand-built schema nodes -----------------------------------------------------------------

interface NodeSpec {
  strategies?: PatchStrategy[];
  mergeKey?: string;
  preserveUnknownFields?: boolean;
}

function struct(fields: Record<string, SchemaNode>, spec: NodeSpec = {}): SchemaNode {
  return {
    kind: 'struct',
    field: (n) => (Object.hasOwn(fields, n) ? fields[n] : undefined),
    fieldNames: () => Object.keys(fields),
    items: () => undefined,
    patchStrategies: spec.strategies,
    patchMergeKey: spec.mergeKey,
    preserveUnknownFields: spec.preserveUnknownFields,
  };
}
function mapOf(values: SchemaNode, spec: NodeSpec = {}): SchemaNode {
  return { kind: 'map', field: () => values, fieldNames: () => [], items: () => undefined, patchStrategies: spec.strategies };
}
function list(items: SchemaNode, spec: NodeSpec = {}): SchemaNode {
  return {
    kind: 'list',
    field: () => undefined,
    fieldNames: () => [],
    items: () => items,
    patchStrategies: spec.strategies,
    patchMergeKey: spec.mergeKey,
  };
}
const str: SchemaNode = { kind: 'scalar', scalar: 'string', field: () => undefined, fieldNames: () => [], items: () => undefined };
const int: SchemaNode = { kind: 'scalar', scalar: 'integer', field: () => undefined, fieldNames: () => [], items: () => undefined };
const untyped: SchemaNode = { kind: 'untyped', field: () => undefined, fieldNames: () => [], items: () => undefined };

const item = struct({ name: str, value: str, n: int, sub: struct({ a: str, b: str }) });
const schema = struct({
  items: list(item, { strategies: ['merge'], mergeKey: 'name' }),
  plain: list(item),
  tags: list(str, { strategies: ['merge'] }),
  args: list(str),
  labels: mapOf(str),
  config: struct({ a: str, b: str, c: str }, { strategies: ['replace'] }),
  source: struct({ kind: str, x: str, y: str }, { strategies: ['retainKeys'] }),
  raw: untyped,
  open: struct({ known: str }, { preserveUnknownFields: true }),
  count: int,
});

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** Applies with frozen inputs, so any mutation of the inputs throws. */
function smp(orig: JsonObject, patch: JsonObject, ...s: [SchemaNode | undefined] | []): JsonObject {
  return applyStrategicMergePatch(deepFreeze(cloneJson(orig)), deepFreeze(cloneJson(patch)), s.length === 0 ? schema : s[0]);
}

const names = (v: JsonValue | undefined): string[] => (v as JsonObject[]).map((x) => x['name'] as string);

describe('strategic merge with a schema', () => {
  const orig: JsonObject = {
    items: [
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
      { name: 'c', value: '3' },
    ],
    tags: ['x', 'y'],
    args: ['--one'],
    labels: { l1: 'v1', l2: 'v2' },
    config: { a: '1', b: '2' },
    source: { kind: 'k', x: 'x' },
    count: 1,
  };

  const orderCases: [string, JsonValue[], string[]][] = [
    ['new item goes before the original items that follow', [{ name: 'n' }, { name: 'b' }], ['n', 'a', 'b', 'c']],
    ['new item alone is appended', [{ name: 'n' }], ['n', 'a', 'b', 'c']],
    ['patch order kept, original-only item placed by original order', [{ name: 'c' }, { name: 'a' }], ['b', 'c', 'a']],
    ['patch order wins over original order', [{ name: 'c' }, { name: 'b' }, { name: 'a' }], ['c', 'b', 'a']],
    ['existing item then new', [{ name: 'b' }, { name: 'n' }], ['a', 'b', 'n', 'c']],
    ['delete items are removed', [{ name: 'b', $patch: 'delete' }, { name: 'n' }], ['n', 'a', 'c']],
    ['replace marker replaces the list', [{ name: 'z' }, { $patch: 'replace' }], ['z']],
    ['empty patch keeps the list', [], ['a', 'b', 'c']],
  ];
  for (const [name, patchItems, want] of orderCases) {
    test(`merge-key lists: ${name}`, () => {
      assert.deepEqual(names(smp(orig, { items: patchItems })['items']), want);
    });
  }

  test('merged items merge their fields', () => {
    const out = smp(orig, { items: [{ name: 'b', value: null, n: 5 }] });
    assert.deepEqual(out['items'], [{ name: 'a', value: '1' }, { name: 'b', n: 5 }, { name: 'c', value: '3' }]);
  });

  test('$setElementOrder orders the merged list, new items included', () => {
    const ordered = smp(orig, { '$setElementOrder/items': [{ name: 'c' }, { name: 'n' }, { name: 'a' }, { name: 'b' }], items: [{ name: 'n' }] });
    assert.deepEqual(names(ordered['items']), ['c', 'n', 'a', 'b']);
  });

  test('primitive merge lists are unioned, and $deleteFromPrimitiveList removes', () => {
    assert.deepEqual(smp(orig, { tags: ['z', 'x'] })['tags'], ['z', 'x', 'y']);
    assert.deepEqual(smp(orig, { '$deleteFromPrimitiveList/tags': ['x'] })['tags'], ['y']);
    assert.deepEqual(smp(orig, { '$setElementOrder/tags': ['y', 'x'] })['tags'], ['y', 'x']);
    assert.equal(Object.hasOwn(smp({}, { '$deleteFromPrimitiveList/tags': ['x'] }), 'tags'), false);
  });

  test('lists without merge strategy are replaced verbatim', () => {
    assert.deepEqual(smp(orig, { args: ['--two'] })['args'], ['--two']);
    const withPlain = { ...orig, plain: [{ name: 'a' }] };
    assert.deepEqual(smp(withPlain, { plain: [{ name: 'q', $patch: 'delete' }] })['plain'], [{ name: 'q', $patch: 'delete' }]);
    // where the original has no list, the patch value is cleaned of $patch maps
    assert.deepEqual(smp(orig, { plain: [{ name: 'q', $patch: 'delete' }, { name: 'r' }] })['plain'], [{ name: 'r' }]);
  });

  test('replace strategy replaces maps; retainKeys clears unlisted keys', () => {
    assert.deepEqual(smp(orig, { config: { c: '3' } })['config'], { c: '3' });
    assert.deepEqual(smp(orig, { source: { $retainKeys: ['kind', 'y'], y: 'y' } })['source'], { kind: 'k', y: 'y' });
  });

  test('maps merge, null deletes, $patch replace/delete', () => {
    assert.deepEqual(smp(orig, { labels: { l1: null, l3: 'v3' } })['labels'], { l2: 'v2', l3: 'v3' });
    assert.deepEqual(smp(orig, { labels: { $patch: 'replace', only: 'x' } })['labels'], { only: 'x' });
    assert.deepEqual(smp(orig, { labels: { $patch: 'delete' } })['labels'], {});
    assert.equal(Object.hasOwn(smp(orig, { count: null }), 'count'), false);
  });

  test('values added where nothing was lose nulls and $patch maps', () => {
    const out = smp({}, { labels: { a: 'x', b: null }, raw: { keep: [{ $patch: 'delete' }, { v: null, w: 1 }] } });
    assert.deepEqual(out, { labels: { a: 'x' }, raw: { keep: [{ w: 1 }] } });
  });

  test('untyped and preserve-unknown-fields parts are schema-less', () => {
    assert.deepEqual(smp({ raw: { l: [1, 2], m: { a: 1 } } }, { raw: { l: [3], m: { b: 2 } } })['raw'], { l: [3], m: { a: 1, b: 2 } });
    assert.deepEqual(smp({ open: { extra: { a: 1 } } }, { open: { extra: { b: 2 } } })['open'], { extra: { a: 1, b: 2 } });
  });

  test('unknown fields: schema-less by default, an error (as kubectl) with unknownFields: error', () => {
    const strict = (o: JsonObject, p: JsonObject): JsonObject => applyStrategicMergePatch(o, p, schema, { unknownFields: 'error' });
    assert.throws(() => strict({ extra: { a: 1 } }, { extra: { b: 2 } }), (e: unknown) => e instanceof MergeError && e.code === MergeErrorCode.typeMismatch && e.path === '/extra');
    assert.throws(() => strict({ tags: [] }, { '$setElementOrder/nope': [] }), (e: unknown) => e instanceof MergeError && e.path === '/nope');
    const out = smp({ extra: { a: 1 }, xs: [1] }, { extra: { b: 2 }, xs: [2] });
    assert.deepEqual(out, { extra: { a: 1, b: 2 }, xs: [2] });
    assert.deepEqual(smp({ extra: 'x' }, { extra: 'y', more: { a: 1 } }), { extra: 'y', more: { a: 1 } });
  });
});

describe('strategic merge without a schema (unknown kind)', () => {
  test('lists are replaced, maps merged, directives honoured', () => {
    const orig: JsonObject = { l: [{ name: 'a' }], m: { a: 1, b: 2 }, s: ['x', 'y'] };
    assert.deepEqual(smp(orig, { l: [{ name: 'b' }] }, undefined), { l: [{ name: 'b' }], m: { a: 1, b: 2 }, s: ['x', 'y'] });
    assert.deepEqual(smp(orig, { m: { $retainKeys: ['b'] } }, undefined)['m'], { b: 2 });
    assert.deepEqual(smp(orig, { m: { $patch: 'replace', c: 3 } }, undefined)['m'], { c: 3 });
    assert.deepEqual(smp(orig, { '$deleteFromPrimitiveList/s': ['x'] }, undefined)['s'], ['y']);
    assert.deepEqual(smp(orig, { '$setElementOrder/s': ['y', 'x'] }, undefined)['s'], ['y', 'x']);
  });

  test('equals a JSON merge patch for patches without directives or maps inside lists', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd');
    const scalar = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean());
    const value: fc.Arbitrary<JsonValue> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.constant(null),
        fc.array(fc.oneof(scalar, fc.constant(null)), { maxLength: 3 }),
        fc.dictionary(key, tie('v'), { maxKeys: 3 }),
      ),
    })).v as fc.Arbitrary<JsonValue>;
    const obj = fc.dictionary(key, value, { maxKeys: 4 }) as fc.Arbitrary<JsonObject>;
    fc.assert(
      fc.property(obj, obj, (d, p) => {
        assert.deepEqual(applyStrategicMergePatch(d, p, undefined), applyMergePatch(d, p));
      }),
    );
  });
});

describe('ordering law for merge-key lists', () => {
  test('patch items keep patch order, original-only items keep original order, union of names', () => {
    const nameSet: fc.Arbitrary<string[]> = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { maxLength: 6 });
    fc.assert(
      fc.property(nameSet, nameSet, (o, p) => {
        const out = names(smp({ items: o.map((name) => ({ name })) }, { items: p.map((name) => ({ name, value: 'p' })) })['items']);
        assert.deepEqual([...out].sort(), [...new Set([...o, ...p])].sort());
        assert.deepEqual(out.filter((n) => p.includes(n)), p);
        assert.deepEqual(out.filter((n) => !p.includes(n)), o.filter((n) => !p.includes(n)));
      }),
    );
  });
});

/** Bad input: [name, original, patch, code, path]. */
const bad: [string, JsonObject, JsonValue, MergeErrorCode, string][] = [
  ['patch not a map', {}, [1], MergeErrorCode.invalidPatch, ''],
  ['unknown $patch in a map', { labels: {} }, { labels: { $patch: 'merge' } }, MergeErrorCode.invalidDirective, '/labels/$patch'],
  ['unknown $patch at the root', {}, { $patch: 'nope' }, MergeErrorCode.invalidDirective, '/$patch'],
  ['unknown $patch in a list item', { items: [{ name: 'a' }] }, { items: [{ name: 'a', $patch: 'zap' }] }, MergeErrorCode.invalidDirective, '/items/0/$patch'],
  ['$patch merge in a list item', { items: [{ name: 'a' }] }, { items: [{ name: 'a', $patch: 'merge' }] }, MergeErrorCode.invalidDirective, '/items/0/$patch'],
  ['item without merge key', { items: [{ name: 'a' }] }, { items: [{ value: 'x' }] }, MergeErrorCode.invalidMergeKey, '/items/0'],
  ['delete item without merge key', { items: [{ name: 'a' }] }, { items: [{ $patch: 'delete' }] }, MergeErrorCode.invalidMergeKey, '/items/0'],
  ['original item without merge key', { items: [{ value: 'a' }] }, { items: [{ name: 'b' }] }, MergeErrorCode.invalidMergeKey, '/items/0'],
  ['list where a map is expected', { labels: { a: 'b' } }, { labels: ['x'] }, MergeErrorCode.typeMismatch, '/labels'],
  ['map where a list is expected', { args: ['a'] }, { args: { a: 1 } }, MergeErrorCode.typeMismatch, '/args'],
  ['map where a scalar is expected', {}, { count: { a: 1 } }, MergeErrorCode.typeMismatch, '/count'],
  ['nested mismatch in a new value', {}, { items: [{ name: 'a', sub: [1] }] }, MergeErrorCode.typeMismatch, '/items/0/sub'],
  ['mixed element types', { tags: ['a'] }, { tags: [1] }, MergeErrorCode.typeMismatch, '/tags'],
  ['null in a merged list', { tags: ['a'] }, { tags: [null] }, MergeErrorCode.typeMismatch, '/tags/0'],
  ['list of lists', { tags: ['a'] }, { '$deleteFromPrimitiveList/tags': [['a']] }, MergeErrorCode.typeMismatch, '/$deleteFromPrimitiveList~1tags/0'],
  ['$retainKeys not a list', { source: {} }, { source: { $retainKeys: 'kind' } }, MergeErrorCode.invalidDirective, '/source/$retainKeys'],
  ['$retainKeys misses a patched key', { source: {} }, { source: { $retainKeys: ['kind'], x: '1' } }, MergeErrorCode.invalidDirective, '/source/$retainKeys'],
  ['$setElementOrder not a list', { tags: ['a'] }, { '$setElementOrder/tags': 'a' }, MergeErrorCode.invalidDirective, '/$setElementOrder~1tags'],
  ['$setElementOrder malformed key', { tags: ['a'] }, { $setElementOrder: ['a'] }, MergeErrorCode.invalidDirective, '/$setElementOrder'],
  ['$setElementOrder order mismatch', { tags: ['a'] }, { '$setElementOrder/tags': ['b'], tags: ['c'] }, MergeErrorCode.invalidDirective, '/$setElementOrder~1tags'],
  ['$setElementOrder on a map field', { labels: {} }, { '$setElementOrder/labels': ['a'] }, MergeErrorCode.typeMismatch, '/labels'],
  ['$setElementOrder on a non-list value', { args: 'x' } as JsonObject, { '$setElementOrder/args': ['a'] }, MergeErrorCode.typeMismatch, '/args'],
  ['$setElementOrder with nothing to order', { tags: [] }, { '$setElementOrder/tags': ['a'] }, MergeErrorCode.invalidPatch, '/tags'],
  ['$deleteFromPrimitiveList malformed', { tags: ['a'] }, { $deleteFromPrimitiveListtags: ['a'] }, MergeErrorCode.invalidDirective, '/$deleteFromPrimitiveListtags'],
  ['merge list of maps without merge key', {}, {}, MergeErrorCode.invalidMergeKey, '/x'],
];

describe('bad input', () => {
  const noKey = struct({ x: list(struct({ a: str }), { strategies: ['merge'] }) });
  for (const [name, orig, patch, code, path] of bad) {
    test(name, () => {
      const isNoKey = name === 'merge list of maps without merge key';
      const run = (): JsonObject =>
        isNoKey
          ? applyStrategicMergePatch({ x: [{ a: '1' }] }, { x: [{ a: '2' }] }, noKey)
          : applyStrategicMergePatch(deepFreeze(cloneJson(orig)), deepFreeze(cloneJson(patch)) as JsonObject, schema);
      assert.throws(run, (err: unknown) => {
        assert.ok(err instanceof MergeError, `not a MergeError: ${String(err)}`);
        assert.equal(err.code, code, err.message);
        assert.equal(err.path, path, err.message);
        return true;
      });
    });
  }

  test('the original must be a map; depth is limited', () => {
    assert.throws(() => applyStrategicMergePatch([] as unknown as JsonObject, {}, undefined), (e: unknown) => e instanceof MergeError && e.code === MergeErrorCode.typeMismatch);
    let deep: JsonObject = { v: 1 };
    for (let i = 0; i < 40; i++) deep = { d: deep };
    assert.throws(() => applyStrategicMergePatch(deep, deep, undefined, { maxDepth: 20 }), /nested deeper than 20/);
    assert.deepEqual(applyStrategicMergePatch(deep, deep, undefined), deep);
  });

  test('__proto__ keys are data', () => {
    const patch = JSON.parse('{"labels": {"__proto__": {"x": 1}}, "__proto__": "y"}') as JsonObject;
    const out = applyStrategicMergePatch({ labels: {} }, patch, undefined);
    assert.deepEqual(Object.keys(out), ['labels', '__proto__']);
    assert.equal(Object.getPrototypeOf(out['labels']), Object.prototype);
    assert.deepEqual(Object.keys(out['labels'] as JsonObject), ['__proto__']);
  });
});

describe('robustness', () => {
  // Random documents built from the schema's field names, directive keys and odd values: the merge
  // returns a result or throws a MergeError, never anything else, and never touches its inputs.
  const keys = fc.constantFrom('items', 'plain', 'tags', 'args', 'labels', 'config', 'source', 'raw', 'open', 'count', 'name', 'value', 'sub', 'x');
  const directiveKeys = fc.constantFrom('$patch', '$retainKeys', '$setElementOrder/items', '$setElementOrder/tags', '$deleteFromPrimitiveList/tags', '$setElementOrder', '$deleteFromPrimitiveList/items');
  const scalar = fc.oneof(fc.constantFrom('a', 'b', 'replace', 'delete', 'merge', 'name'), fc.integer({ min: -2, max: 3 }), fc.boolean(), fc.constant(null));
  const doc: fc.Arbitrary<JsonValue> = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      scalar,
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(keys, directiveKeys), tie('v'), { maxKeys: 4 }),
    ),
  })).v as fc.Arbitrary<JsonValue>;
  const obj = fc.dictionary(fc.oneof(keys, directiveKeys), doc, { maxKeys: 5 }) as fc.Arbitrary<JsonObject>;

  for (const [label, s] of [['with a schema', schema], ['without a schema', undefined]] as const) {
    test(`random patches ${label}: a result or a MergeError`, () => {
      const outcomes = { ok: 0, error: 0 };
      fc.assert(
        fc.property(obj, obj, (o, p) => {
          try {
            smp(o, p, s);
            outcomes.ok++;
          } catch (err) {
            if (!(err instanceof MergeError)) throw err;
            outcomes.error++;
          }
        }),
        { numRuns: 500, seed: 4242 },
      );
      // Both outcomes must be well represented, or the generator is not exercising the merge.
      assert.ok(outcomes.ok > 100 && outcomes.error > 50, JSON.stringify(outcomes));
    });
  }
});

describe('strategicMergeObject', () => {
  const registry = builtinSchemas();

  test('looks the schema up by apiVersion and kind', () => {
    const out = strategicMergeObject(deployment, { spec: { template: { spec: { containers: [{ name: 'new', image: 'n' }] } } } }, registry);
    const containers = ((((out['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[]).map((c) => c['name']);
    assert.deepEqual(containers, ['new', 'app', 'sidecar']);
  });

  test('unknown kinds are schema-less by default, refused with unknownKind: error', () => {
    const out = strategicMergeObject(widget, { spec: { tags: ['z'] } }, registry);
    assert.deepEqual((out['spec'] as JsonObject)['tags'], ['z']);
    assert.throws(() => strategicMergeObject(widget, { spec: {} }, registry, { unknownKind: 'error' }), /not supported for example.com\/v1, Kind=Widget/);
    assert.deepEqual((strategicMergeObject(widget, { spec: { size: 1 } }, undefined)['spec'] as JsonObject)['size'], 1);
  });

  test('an object without a readable apiVersion/kind merges schema-less, or is refused with unknownKind: error', () => {
    const patch: JsonObject = { spec: { template: { spec: { containers: [{ name: 'new', image: 'n' }] } } } };
    for (const apiVersion of [undefined, '', 'a/b/c', 7]) {
      const obj: JsonObject = { ...deployment };
      if (apiVersion === undefined) delete obj['apiVersion'];
      else obj['apiVersion'] = apiVersion;
      const out = strategicMergeObject(obj, patch, registry);
      // Without the Deployment schema the containers list is replaced, not merged by name.
      const containers = (((out['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[];
      assert.deepEqual(containers.map((c) => c['name']), ['new'], String(apiVersion));
      assert.throws(() => strategicMergeObject(obj, patch, registry, { unknownKind: 'error' }), /not supported for .*Kind=Deployment/, String(apiVersion));
    }
  });
});
