import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { packageRoot } from '../../../util/paths.js';
import { GENERATED_MODULE, SchemaGenerationError, defaultSpecPath, generateBuiltinModule, stripSchema } from './generate.js';

// Never skipped: CI always has the reference spec at ../shared next to the repository.
test('the committed builtin.generated.ts is exactly what the generator produces', () => {
  const spec = defaultSpecPath();
  assert.ok(existsSync(spec), `the Kubernetes OpenAPI reference spec is missing at ${spec}; it is required to verify ${GENERATED_MODULE}`);
  const generated = generateBuiltinModule(spec);
  const committed = readFileSync(join(packageRoot(), GENERATED_MODULE), 'utf8');
  assert.ok(generated === committed, `${GENERATED_MODULE} is stale: run "npm run gen:schema" and commit the result`);
  assert.ok(generated.length < 400 * 1024, `generated module is ${generated.length} bytes`);
  // Deterministic: a second run gives identical bytes.
  assert.equal(generateBuiltinModule(spec), generated);
});

test('stripSchema keeps structure and merge extensions only, in a fixed key order', () => {
  const stripped = stripSchema({
    description: 'x',
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'ConfigMap' }],
    properties: {
      data: { description: 'y', additionalProperties: { type: 'string' }, type: 'object' },
      metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', description: 'z' },
      list: { 'x-kubernetes-patch-strategy': 'merge', items: { type: 'string' }, type: 'array', 'x-kubernetes-unions': [] },
      $ref: { type: 'string' },
    },
    type: 'object',
    required: ['data'],
  });
  assert.equal(
    JSON.stringify(stripped),
    JSON.stringify({
      type: 'object',
      required: ['data'],
      properties: {
        data: { type: 'object', additionalProperties: { type: 'string' } },
        metadata: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        list: { type: 'array', 'x-kubernetes-patch-strategy': 'merge', items: { type: 'string' } },
        $ref: { type: 'string' },
      },
    }),
  );
});

test('generator errors: missing spec, resources without discovery facts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gen-schema-'));
  try {
    const spec = {
      definitions: { 'io.example.Nope': { type: 'object', properties: {} } },
      resources: [{ apiVersion: 'example.com/v1', kind: 'Nope', definition: 'io.example.Nope', scope: 'Namespaced' }],
    };
    const file = join(dir, 'spec.json.gz');
    writeFileSync(file, gzipSync(JSON.stringify(spec)));
    assert.throws(() => generateBuiltinModule(file), /no discovery facts for example.com\/Nope/);
    assert.throws(() => generateBuiltinModule(join(dir, 'absent.json.gz')), SchemaGenerationError);
    writeFileSync(file, gzipSync('{"definitions": 1}'));
    assert.throws(() => generateBuiltinModule(file), SchemaGenerationError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
