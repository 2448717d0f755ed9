import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { JsonObject, JsonValue } from '../kube/object.js';
import { crdFor, crdsYaml } from './crd.js';
import { formatDuration, parseDuration } from './duration.js';
import { checkGitRepositorySpec, gitRepositorySpecWithDefaults } from './gitrepository.js';
import { gitRepositoryDefinition, kindDefinitions } from './kinds.js';
import { stripDescriptions } from './schema.js';

const refDir = '/work/shared/reference/flux-crds';

function get(v: JsonValue | undefined, ...path: Array<string | number>): JsonValue | undefined {
  let cur = v;
  for (const p of path) cur = cur === null || cur === undefined || typeof cur !== 'object' ? undefined : (cur as JsonObject)[p as string];
  return cur;
}

/** Canonical JSON (sorted keys) for fingerprints. */
function canonical(v: JsonValue): string {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v !== null && typeof v === 'object') return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k] as JsonValue)).join(',') + '}';
  return JSON.stringify(v);
}

/**
 * sha256 of the canonical description-free openAPIV3Schema of Flux's GitRepository v1 CRD (source-controller
 * v1.9.x, /work/shared/reference/flux-crds). Checked against the reference when it is on disk, and
 * against our schema everywhere, so a clean clone without the reference still tests compatibility.
 */
const fluxGitRepositorySchemaSha256 = '27ebc7c1bdbecc8fe6d80c36dbd42a0eebc19aca3193a5cf7d58cb6aa0f21287';

test("GitRepository schema fingerprint equals Flux's", () => {
  const ours = get(crdFor(gitRepositoryDefinition), 'spec', 'versions', 0, 'schema', 'openAPIV3Schema') ?? null;
  assert.equal(createHash('sha256').update(canonical(stripDescriptions(ours))).digest('hex'), fluxGitRepositorySchemaSha256);
});

test("GitRepository CRD schema is structurally equal to Flux's (descriptions aside)", async (t) => {
  let refText: string;
  try {
    refText = await readFile(join(refDir, 'source.toolkit.fluxcd.io_gitrepositories.yaml'), 'utf8');
  } catch {
    t.skip('Flux reference CRDs not available (the fingerprint test still runs)');
    return;
  }
  const ref = parse(refText) as JsonObject;
  const refSchema = get(ref, 'spec', 'versions', 0, 'schema', 'openAPIV3Schema') ?? null;
  assert.equal(createHash('sha256').update(canonical(stripDescriptions(refSchema))).digest('hex'), fluxGitRepositorySchemaSha256, 'recorded fingerprint is of this reference');
  const ours = crdFor(gitRepositoryDefinition);
  const refVersion = get(ref, 'spec', 'versions', 0);
  const ourVersion = get(ours, 'spec', 'versions', 0);
  assert.deepEqual(stripDescriptions(get(ourVersion, 'schema', 'openAPIV3Schema') ?? null), stripDescriptions(get(refVersion, 'schema', 'openAPIV3Schema') ?? null));
  assert.deepEqual(get(ourVersion, 'additionalPrinterColumns'), get(refVersion, 'additionalPrinterColumns'));
  assert.deepEqual(get(ours, 'spec', 'names'), get(ref, 'spec', 'names'));
  assert.equal(get(ours, 'metadata', 'name'), get(ref, 'metadata', 'name'));
  assert.equal(get(ours, 'spec', 'scope'), get(ref, 'spec', 'scope'));
});

test('CRD YAML is one document per kind and parses back to the objects', () => {
  const docs = crdsYaml().split(/^---\n/m).filter((d) => d.trim());
  assert.equal(docs.length, kindDefinitions.length);
  assert.deepEqual(parse(docs[0] as string), crdFor(gitRepositoryDefinition));
});

test('durations', () => {
  const cases: Array<[string, number | undefined]> = [['1m', 60000], ['1m30s', 90000], ['500ms', 500], ['1.5h', 5400000], ['10', undefined], ['-1s', undefined], ['1d', undefined]];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  assert.equal(formatDuration(90000), '1m30s');
  assert.equal(formatDuration(3_600_000), '1h0m0s');
});

test('spec defaults and checks', () => {
  const d = gitRepositorySpecWithDefaults({ url: 'https://x/r', interval: '1m' });
  assert.equal(d.timeout, '60s');
  assert.deepEqual(d.ref, { branch: 'master' });
  assert.deepEqual(gitRepositorySpecWithDefaults({ url: 'https://x/r', interval: '1m', ref: { tag: 'v1' } }).ref, { tag: 'v1' });
  assert.deepEqual(checkGitRepositorySpec({ url: 'https://x/r', interval: '1m' }), []);
  const problems = checkGitRepositorySpec({ url: 'file:///x', interval: 'soon', include: [{ repository: { name: 'a' }, toPath: '../x' }], verify: { secretRef: { name: 'k' } } });
  assert.deepEqual(problems.map((p) => p.field), ['spec.url', 'spec.interval', 'spec.verify', 'spec.include[0].toPath']);
});
