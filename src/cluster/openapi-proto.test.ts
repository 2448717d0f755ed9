/**
 * OpenAPI v2 as gnostic protobuf: the wire encoding (decoded here by an independent reader), the YAML of
 * `Any` values read back as YAML 1.1, content negotiation, the CRD v2 conversion, and the real kubectl
 * v1.32.3 oracle reading the document (apply of a kind whose CRD is missing, v2 client-side validation of
 * Lists, `explain --output=plaintext-openapiv2`, apply/diff of built-ins and CRs).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { crdsYaml } from '../api/crd.js';
import type { JsonObject, JsonValue } from '../kube/object.js';
import type { TestCluster } from '../../test/harness/cluster.js';
import { kubectlSession } from '../../test/harness/kubectl-session.js';
import { runTool } from '../../test/harness/tools.js';
import { OPENAPI_V2_PROTO_TYPES, encodeOpenApiV2, negotiateOpenApiV2 } from './http/openapi-proto.js';
import { toYaml } from './http/openapi-proto-yaml.js';
import { crdSchemaToV2 } from './http/openapi.js';

/** One decoded protobuf field: varints as bigint, fixed64 as the 8 bytes, length-delimited as bytes. */
interface Field {
  n: number;
  wire: number;
  int?: bigint;
  bytes?: Buffer;
}

/** An independent protobuf reader (not the encoder's code) for the assertions. */
function decode(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[pos++];
      assert.ok(b !== undefined, 'truncated varint');
      v |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) return v;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const n = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ n, wire, int: varint() });
    else if (wire === 1) {
      out.push({ n, wire, bytes: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 2) {
      const len = Number(varint());
      assert.ok(pos + len <= buf.length, 'length past the end');
      out.push({ n, wire, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else assert.fail(`unexpected wire type ${wire}`);
  }
  return out;
}
const all = (buf: Buffer, n: number): Field[] => decode(buf).filter((f) => f.n === n);
const one = (buf: Buffer, n: number): Buffer => {
  const fs = all(buf, n);
  assert.equal(fs.length, 1, `field ${n} once`);
  assert.ok(fs[0]?.bytes);
  return fs[0].bytes;
};
const text = (buf: Buffer, n: number): string => one(buf, n).toString('utf8');
const texts = (buf: Buffer, n: number): string[] => all(buf, n).map((f) => f.bytes?.toString('utf8') ?? '');
/** name → value of the repeated `Named*` entries (name = 1, value = 2) of a message. */
const named = (buf: Buffer, n: number): Map<string, Buffer> => new Map(all(buf, n).map((f) => [text(f.bytes ?? Buffer.alloc(0), 1), one(f.bytes ?? Buffer.alloc(0), 2)]));
/** The `x-*` extensions (name → YAML read as YAML 1.1, as Go's yaml.v2 reads them). */
const exts = (buf: Buffer, n: number): Record<string, unknown> => Object.fromEntries([...named(buf, n)].map(([k, any]) => [k, parseYaml(text(any, 2), { version: '1.1' })]));

describe('encodeOpenApiV2 wire format', () => {
  const doc: JsonObject = {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: {
      '/api/v1/namespaces/{namespace}/configmaps/{name}': {
        patch: {
          operationId: 'patchConfigMap',
          consumes: ['application/merge-patch+json'],
          'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'ConfigMap' },
          parameters: [{ name: 'fieldValidation', in: 'query', type: 'string', uniqueItems: true }, { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/P' } }, { $ref: '#/parameters/x' }],
          responses: { '200': { description: 'OK', schema: { $ref: '#/definitions/P' } } },
        },
      },
    },
    definitions: {
      P: {
        type: 'object',
        description: 'a thing',
        required: ['spec'],
        properties: {
          spec: { $ref: '#/definitions/Q', description: 'the spec' },
          list: { type: 'array', items: { type: 'string' }, maxItems: 3, 'x-kubernetes-list-type': 'set' },
          map: { type: 'object', additionalProperties: { type: 'integer', format: 'int32', minimum: -1.5 } },
          closed: { type: 'object', additionalProperties: false },
          empty: { type: 'object', properties: {} },
          mode: { type: 'string', enum: ['on', 'Off', 'x'], default: 'on' },
          neg: { type: 'integer', minLength: -2 },
        },
        'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'P' }],
      },
      Q: { type: ['object'], nullable: true, anyOf: [{ type: 'string' }] },
    },
  };
  const bytes = encodeOpenApiV2(doc);
  const defs = named(one(bytes, 9), 1);
  const props = named(one(defs.get('P') ?? Buffer.alloc(0), 25), 1);
  const prop = (name: string): Buffer => props.get(name) ?? assert.fail(`property ${name}`);

  test('document, info and definitions in JSON order', () => {
    assert.equal(text(bytes, 1), '2.0');
    assert.deepEqual([text(one(bytes, 2), 1), text(one(bytes, 2), 2)], ['Kubernetes', 'v1.32.0']);
    assert.deepEqual([...defs.keys()], ['P', 'Q']);
    assert.deepEqual([...props.keys()], ['spec', 'list', 'map', 'closed', 'empty', 'mode', 'neg']);
  });

  test('schema fields: type list, description, required, $ref, items, additionalProperties, enum/default, extensions', () => {
    const p = defs.get('P') ?? assert.fail('P');
    assert.deepEqual(texts(one(p, 22), 1), ['object']);
    assert.equal(text(p, 4), 'a thing');
    assert.deepEqual(texts(p, 19), ['spec']);
    assert.deepEqual(exts(p, 31), { 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'P' }] });
    assert.deepEqual([text(prop('spec'), 1), text(prop('spec'), 4)], ['#/definitions/Q', 'the spec']);
    assert.equal(all(prop('spec'), 22).length, 0, 'a $ref has no type');
    const items = all(one(prop('list'), 23), 1);
    assert.equal(items.length, 1);
    assert.deepEqual(texts(one(items[0]?.bytes ?? Buffer.alloc(0), 22), 1), ['string']);
    assert.equal(all(prop('list'), 14)[0]?.int, 3n);
    assert.deepEqual(exts(prop('list'), 31), { 'x-kubernetes-list-type': 'set' });
    const apSchema = one(one(prop('map'), 21), 1);
    assert.equal(text(apSchema, 2), 'int32');
    assert.equal(one(apSchema, 9).readDoubleLE(0), -1.5);
    const closed = decode(one(prop('closed'), 21));
    assert.deepEqual(closed, [{ n: 2, wire: 0, int: 0n }], 'additionalProperties: false is a set oneof member');
    assert.equal(one(prop('empty'), 25).length, 0, 'properties: {} stays a present, empty message');
    assert.deepEqual(
      all(prop('mode'), 20).map((f) => parseYaml(text(f.bytes ?? Buffer.alloc(0), 2), { version: '1.1' }) as unknown),
      ['on', 'Off', 'x'],
      'enum strings survive YAML 1.1 (on/Off are not booleans)',
    );
    assert.equal(parseYaml(text(one(prop('mode'), 5), 2), { version: '1.1' }), 'on');
    assert.equal(all(prop('neg'), 12)[0]?.int, 2n ** 64n - 2n, 'negative int64 in two’s complement');
    const q = defs.get('Q') ?? assert.fail('Q');
    assert.deepEqual(
      decode(q).map((f) => f.n),
      [22],
      'v3-only keywords (nullable, anyOf) are dropped',
    );
  });

  test('paths: PATCH operation with consumes, GVK extension, query, body and $ref parameters, responses', () => {
    const paths = one(bytes, 8);
    const item = named(paths, 2).get('/api/v1/namespaces/{namespace}/configmaps/{name}') ?? assert.fail('path');
    const op = one(item, 8);
    assert.equal(text(op, 5), 'patchConfigMap');
    assert.deepEqual(texts(op, 7), ['application/merge-patch+json']);
    assert.deepEqual(exts(op, 13), { 'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'ConfigMap' } });
    const [query, body, ref] = all(op, 8).map((f) => f.bytes ?? Buffer.alloc(0));
    const q = one(one(one(query ?? Buffer.alloc(0), 1), 2), 3);
    assert.deepEqual([text(q, 2), text(q, 4), text(q, 6)], ['query', 'fieldValidation', 'string']);
    assert.equal(all(q, 20)[0]?.int, 1n, 'uniqueItems is field 20 of QueryParameterSubSchema');
    const b = one(one(body ?? Buffer.alloc(0), 1), 1);
    assert.deepEqual([text(b, 2), text(b, 3), all(b, 4)[0]?.int, text(one(b, 5), 1)], ['body', 'body', 1n, '#/definitions/P']);
    assert.equal(text(one(ref ?? Buffer.alloc(0), 2), 1), '#/parameters/x');
    const r = named(one(op, 9), 1).get('200') ?? assert.fail('200');
    const resp = one(r, 1);
    assert.equal(text(resp, 1), 'OK');
    assert.equal(text(one(one(resp, 2), 1), 1), '#/definitions/P');
  });

  test('deeply nested schemas are refused with the path', () => {
    let s: JsonObject = { type: 'string' };
    for (let i = 0; i < 250; i++) s = { type: 'array', items: s };
    assert.throws(() => encodeOpenApiV2({ swagger: '2.0', definitions: { Deep: s } }), /\/definitions\/Deep\/items\/items.*nested deeper/);
  });
});

describe('toYaml for Any values', () => {
  const cases: [JsonValue, string][] = [
    ['merge', 'merge\n'],
    ['merge,retainKeys', 'merge,retainKeys\n'],
    ['', '""\n'],
    ['yes', '"yes"\n'],
    ['NO', '"NO"\n'],
    ['1.0', '"1.0"\n'],
    ['e5', '"e5"\n'],
    ['a: b', '"a: b"\n'],
    [true, 'true\n'],
    [3, '3\n'],
    [null, 'null\n'],
    [[], '[]\n'],
    [{}, '{}\n'],
    [[{ group: '', kind: 'ConfigMap', version: 'v1' }], '- group: ""\n  kind: ConfigMap\n  version: v1\n'],
    [{ a: [1, [2]], b: { c: 'y' } }, 'a:\n  - 1\n  -\n    - 2\nb:\n  c: "y"\n'],
  ];
  for (const [v, want] of cases) test(`${JSON.stringify(v)}`, () => assert.equal(toYaml(v), want));

  test('any JSON value reads back the same as YAML 1.1', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom<JsonValue>(null, true, false, 'on', 'Off', 'y', '~', '-', '- a', '#x', "'q'", '"', 'a\nb', '0x1F', '2001-12-14', '.5', ' lead', 'trail '),
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.string(),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 }),
      ),
    })).v as fc.Arbitrary<JsonValue>;
    fc.assert(
      fc.property(value, (generated) => {
        const v = JSON.parse(JSON.stringify(generated)) as JsonValue; // plain prototypes, as JSON documents have
        assert.deepEqual(parseYaml(toYaml(v), { version: '1.1', uniqueKeys: false }), v);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});

describe('negotiateOpenApiV2', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'json'],
    ['', 'json'],
    ['application/json', 'json'],
    ['*/*', 'json'],
    ['application/*', 'json'],
    [OPENAPI_V2_PROTO_TYPES.requested, 'protobuf'],
    [OPENAPI_V2_PROTO_TYPES.served, 'protobuf'],
    [`${OPENAPI_V2_PROTO_TYPES.requested}, application/json`, 'protobuf'],
    [`application/json;q=0.5, ${OPENAPI_V2_PROTO_TYPES.requested}`, 'protobuf'],
    ['text/html', 'none'],
    ['application/json;q=0', 'none'],
    ['text/html, */*;q=0.8', 'json'],
  ];
  for (const [accept, want] of cases) test(`${accept ?? '(none)'} -> ${want}`, () => assert.equal(negotiateOpenApiV2(accept), want));
});

describe('crdSchemaToV2', () => {
  const cases: { name: string; in: JsonObject; want: JsonObject }[] = [
    { name: 'junctors dropped', in: { type: 'object', anyOf: [{ required: ['a'] }], oneOf: [], not: {}, allOf: [] }, want: { type: 'object' } },
    { name: 'nullable loses type, items and properties', in: { type: 'object', nullable: true, properties: { a: { type: 'string' } }, description: 'd' }, want: { description: 'd' } },
    {
      name: 'preserve-unknown-fields loses items and properties',
      in: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
      want: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
    { name: 'array without items loses its type', in: { type: 'array', 'x-kubernetes-preserve-unknown-fields': true, items: { type: 'string' } }, want: { 'x-kubernetes-preserve-unknown-fields': true } },
    {
      name: 'nullable properties are not required; nested conversion',
      in: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string', nullable: true }, b: { type: 'array', items: { type: 'object', anyOf: [{}] } } } },
      want: { type: 'object', required: ['b'], properties: { a: {}, b: { type: 'array', items: { type: 'object' } } } },
    },
    {
      name: 'a map of nullable values requires nothing',
      in: { type: 'object', required: ['a'], additionalProperties: { type: 'string', nullable: true } },
      want: { type: 'object', additionalProperties: {} },
    },
    { name: 'a type kubectl does not know is dropped', in: { type: 'object', properties: { a: { type: 'null' }, b: { type: ['string'] } } }, want: { type: 'object', properties: { a: {}, b: {} } } },
    { name: 'int-or-string keeps no type', in: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }, want: { 'x-kubernetes-int-or-string': true } },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(crdSchemaToV2(c.in), c.want));
});

/** Flux's own CRDs (a read-only reference; not in every clone). */
const FLUX_CRDS = '/work/shared/reference/flux-crds';

/** GET with raw bytes (the shared harness reads bodies as text). */
function getRaw(c: TestCluster, path: string, accept: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, c.url), { headers: { Accept: accept, Authorization: `Bearer ${c.adminToken}` }, ca: c.caCert, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.proto.example.com
spec:
  group: proto.example.com
  scope: Namespaced
  names: {plural: gizmos, singular: gizmo, kind: Gizmo}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, description: How big.}
              note: {type: string, nullable: true}
              bag: {type: object, x-kubernetes-preserve-unknown-fields: true, properties: {a: {type: string}}}
              port: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}
              template: {type: object, x-kubernetes-embedded-resource: true, properties: {spec: {type: object, properties: {x: {type: string}}}}}
  - name: v2
    served: true
    storage: false
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

describe('kubectl oracle reads the protobuf OpenAPI v2', () => {
  const session = kubectlSession('openapi-proto-');
  const { k, ok, file } = session;
  const v2Names = async (): Promise<{ body: Buffer; names: string[] }> => {
    const r = await getRaw(session.cluster, '/openapi/v2', OPENAPI_V2_PROTO_TYPES.requested);
    assert.equal(r.status, 200);
    return { body: r.body, names: all(one(r.body, 9), 1).map((f) => text(f.bytes ?? Buffer.alloc(0), 1)) };
  };

  test('served with the protobuf media type; same definitions and paths as the JSON; other media types 406', async () => {
    const pb = await getRaw(session.cluster, '/openapi/v2', OPENAPI_V2_PROTO_TYPES.requested);
    assert.equal(pb.status, 200);
    assert.equal(pb.type, OPENAPI_V2_PROTO_TYPES.served);
    const js = await getRaw(session.cluster, '/openapi/v2', 'application/json');
    assert.equal(js.type, 'application/json');
    const doc = JSON.parse(js.body.toString('utf8')) as { definitions: JsonObject; paths: JsonObject };
    assert.equal(text(pb.body, 1), '2.0');
    assert.deepEqual(
      all(one(pb.body, 9), 1).map((f) => text(f.bytes ?? Buffer.alloc(0), 1)),
      Object.keys(doc.definitions),
    );
    const paths = named(one(pb.body, 8), 2);
    assert.deepEqual([...paths.keys()], Object.keys(doc.paths));
    const patch = one(paths.get('/api/v1/namespaces/{namespace}/configmaps/{name}') ?? assert.fail('configmaps path'), 8);
    assert.deepEqual(texts(patch, 7), ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']);
    assert.deepEqual(exts(patch, 13)['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'ConfigMap' });
    assert.equal((await getRaw(session.cluster, '/openapi/v2', 'text/html')).status, 406);
  });

  test('apply of a kind whose CRD is not installed: the real "no matches for kind" error', async () => {
    const cr = file('widget.yaml', 'apiVersion: proto.example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: default}\nspec: {size: 3}\n');
    const r = await k('apply', '-f', cr);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /resource mapping not found for name: "w1" namespace: "default" from ".*widget\.yaml": no matches for kind "Widget" in version "proto\.example\.com\/v1"/);
    assert.match(r.stderr, /ensure CRDs are installed first/);
    assert.doesNotMatch(r.stderr, /protobuf/);
    // Helm validates through the same kubectl machinery before installing.
    mkdirSync(join(session.dir, 'chart', 'templates'), { recursive: true });
    file('chart/Chart.yaml', 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
    file('chart/templates/cr.yaml', 'apiVersion: proto.example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n');
    const helmHome = join(session.dir, 'helm');
    const h = await runTool('helm', ['install', 'demo', join(session.dir, 'chart'), '-n', 'default'], {
      env: { ...session.cluster.env, HELM_CACHE_HOME: join(helmHome, 'cache'), HELM_CONFIG_HOME: join(helmHome, 'config'), HELM_DATA_HOME: join(helmHome, 'data') },
    });
    assert.equal(h.code, 1);
    assert.match(h.stderr, /INSTALLATION FAILED: unable to build kubernetes objects from release manifest: resource mapping not found for name: "w1" namespace: "" from "": no matches for kind "Widget" in version "proto\.example\.com\/v1"\nensure CRDs are installed first/);
    const removed = file('ing.yaml', 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i1, namespace: default}\nspec: {}\n');
    const r2 = await k('apply', '-f', removed);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /no matches for kind "Ingress" in version "extensions\/v1beta1"/);
  });

  test('v2 client-side validation of a List: unknown fields and wrong types reported as a real server’s document makes kubectl do', async () => {
    const list = file(
      'list.yaml',
      `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: cm1, namespace: default}
  data: {a: b}
  bogus: 1
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: d1, namespace: default}
  spec:
    replicas: "two"
    selector: {matchLabels: {app: a}}
    template:
      metadata: {labels: {app: a}}
      spec:
        containers: [{name: c, image: nginx, extra: true}]
`,
    );
    const r = await k('apply', '-f', list);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error validating data: \[ValidationError\(ConfigMap\): unknown field "bogus" in io\.k8s\.api\.core\.v1\.ConfigMap, /);
    assert.match(r.stderr, /ValidationError\(Deployment\.spec\.replicas\): invalid type for io\.k8s\.api\.apps\.v1\.DeploymentSpec\.replicas: got "string", expected "integer"/);
    assert.match(r.stderr, /ValidationError\(Deployment\.spec\.template\.spec\.containers\[0\]\): unknown field "extra" in io\.k8s\.api\.core\.v1\.Container/);
    const good = file('good.yaml', 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: cm2, namespace: default}, data: {a: b}}\n');
    assert.match(await ok('apply', '-f', good), /configmap\/cm2 created/);
  });

  test('CRDs: document follows CRD changes; v2 validation and explain use the converted schema', async () => {
    const before = await v2Names();
    assert.ok(!before.names.includes('com.example.proto.v1.Gizmo'));
    await ok('apply', '-f', file('crd.yaml', crd));
    const afterCrd = await v2Names();
    for (const n of ['com.example.proto.v1.Gizmo', 'com.example.proto.v1.GizmoList', 'com.example.proto.v2.Gizmo']) assert.ok(afterCrd.names.includes(n), n);
    assert.notDeepEqual(afterCrd.body, before.body);
    const list = file(
      'crs.yaml',
      `apiVersion: v1
kind: List
items:
- apiVersion: proto.example.com/v1
  kind: Gizmo
  metadata: {name: g1, namespace: default}
  spec: {size: 1, note: null, bag: {b: 1}, port: http, oops: 1, template: {apiVersion: v1, spec: {x: a}}}
  extra: 2
- apiVersion: proto.example.com/v2
  kind: Gizmo
  metadata: {name: g2, namespace: default}
  spec: {anything: 1}
`,
    );
    const r = await k('apply', '-f', list);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\[ValidationError\(Gizmo\): unknown field "extra" in com\.example\.proto\.v1\.Gizmo, ValidationError\(Gizmo\.spec\): unknown field "oops" in com\.example\.proto\.v1\.Gizmo\.spec, /);
    assert.match(r.stderr, /ValidationError\(Gizmo\.spec\.template\): missing required field "kind" in com\.example\.proto\.v1\.Gizmo\.spec\.template\]/, 'an embedded resource requires kind and apiVersion');
    const ex = await ok('explain', 'gizmos.spec', '--output=plaintext-openapiv2');
    assert.match(ex, /KIND:\s+Gizmo\nVERSION:\s+proto\.example\.com\/v1/);
    assert.match(ex, /size\t<integer> -required-\n\s+How big\./);
    assert.match(ex, /bag\t<map\[string\]>/);
    assert.match(ex, /note\t<>/);
    const v2 = await ok('explain', 'gizmos', '--api-version=proto.example.com/v2', '--output=plaintext-openapiv2');
    assert.match(v2, /VERSION:\s+proto\.example\.com\/v2/);
    assert.doesNotMatch(v2, /FIELDS:/);
  });

  test('explain --output=plaintext-openapiv2 of built-ins', async () => {
    const ex = await ok('explain', 'deployment.spec.strategy', '--output=plaintext-openapiv2');
    assert.match(ex, /KIND:\s+Deployment\nVERSION:\s+apps\/v1\n\nRESOURCE: strategy <Object>/);
    assert.match(ex, /rollingUpdate\t<Object>/);
    const hpa = await ok('explain', 'hpa.spec.metrics', '--api-version=autoscaling/v2', '--output=plaintext-openapiv2');
    assert.match(hpa, /VERSION:\s+autoscaling\/v2/);
  });

  test('apply and diff of built-ins and CRs keep working', async () => {
    const cm = (v: string): string => file('cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm3, namespace: default}\ndata: {a: "${v}"}\n`);
    assert.match(await ok('apply', '-f', cm('1')), /created/);
    const second = await k('apply', '-f', cm('2'), '-v=9');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /configured/);
    assert.match(second.stderr, /PATCH .*-H "Content-Type: application\/strategic-merge-patch\+json"/, 'a built-in takes a strategic merge patch computed from /openapi/v3');
    assert.doesNotMatch(second.stderr, /GET https:\S+\/openapi\/v2/, 'a built-in apply needs no /openapi/v2');
    const d = await k('diff', '-f', cm('3'));
    assert.equal(d.code, 1, d.stderr);
    assert.match(d.stdout, /-\s+a: "2"\n\+\s+a: "3"/);
    const g = (size: number): string => file('g.yaml', `apiVersion: proto.example.com/v1\nkind: Gizmo\nmetadata: {name: g3, namespace: default}\nspec: {size: ${size}}\n`);
    assert.match(await ok('apply', '-f', g(1)), /gizmo\.proto\.example\.com\/g3 created/);
    const secondCr = await k('apply', '-f', g(2), '-v=9');
    assert.equal(secondCr.code, 0, secondCr.stderr);
    assert.match(secondCr.stdout, /configured/);
    assert.match(secondCr.stderr, /PATCH .*-H "Content-Type: application\/merge-patch\+json"/, 'a CR takes a JSON merge patch (its consumes have no strategic merge patch)');
    const dg = await k('diff', '-f', g(5));
    assert.equal(dg.code, 1, dg.stderr);
    assert.match(dg.stdout, /-\s+size: 2\n\+\s+size: 5/);
  });

  test("real-world CRDs (Lockstep's, and Flux's when the reference is on disk) keep the document readable", async () => {
    await ok('apply', '--server-side', '-f', file('lockstep-crds.yaml', crdsYaml()));
    if (existsSync(FLUX_CRDS)) await ok('apply', '--server-side', '-f', FLUX_CRDS);
    const ex = await ok('explain', 'kustomizations.spec.sourceRef', '--output=plaintext-openapiv2');
    assert.match(ex, /KIND:\s+Kustomization\nVERSION:\s+kustomize\.toolkit\.fluxcd\.io\/v1/);
    assert.match(ex, /FIELDS:\n\s+apiVersion\t<string>/);
  });
});
