/**
 * Differential test: every case of `testdata/kubectl-cases.ts` is applied by the real kubectl
 * (`kubectl patch --local -f obj.json --type T -p PATCH -o json`, offline) and by our engine, and the
 * outcomes must agree: the same object (compared as JSON), or an error on both sides. kubectl runs
 * two at a time, all up front.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runTool } from '../../../test/harness/tools.js';
import type { JsonObject, JsonValue } from '../object.js';
import { isJsonObject } from '../object.js';
import { builtinSchemas } from '../schema/index.js';
import { MergeError } from './errors.js';
import { applyJsonPatch } from './jsonpatch.js';
import { applyMergePatch } from './mergepatch.js';
import { strategicMergeObject } from './strategic.js';
import type { KubectlCase } from './testdata/kubectl-cases.js';
import { kubectlCases } from './testdata/kubectl-cases.js';
import { bases } from './testdata/objects.js';

type Outcome = { ok: true; value: JsonObject } | { ok: false; error: string; code?: string };

const registry = builtinSchemas();
/** kubectl refuses strategic merge for custom resources and merging into fields its structs lack. */
const kubectlParity = { unknownKind: 'error', unknownFields: 'error' } as const;

const baseOf = (c: KubectlCase): JsonObject => (typeof c.base === 'string' ? bases[c.base] : c.base);

/** Our result for a case; a result that is not a Kubernetes object counts as an error, as for kubectl. */
function ours(c: KubectlCase, compat: 'rfc6902' | 'kubernetes' = 'rfc6902'): Outcome {
  const obj = baseOf(c);
  try {
    let out: JsonValue;
    if (c.type === 'strategic') {
      if (!isJsonObject(c.patch)) return { ok: false, error: 'patch is not a map', code: 'InvalidPatch' };
      out = strategicMergeObject(obj, c.patch, registry, kubectlParity);
    } else if (c.type === 'merge') out = applyMergePatch(obj, c.patch);
    else out = applyJsonPatch(obj, c.patch, { compat });
    if (!isJsonObject(out) || typeof out['kind'] !== 'string' || typeof out['apiVersion'] !== 'string') {
      return { ok: false, error: 'result is not a Kubernetes object' };
    }
    return { ok: true, value: out };
  } catch (err) {
    if (err instanceof MergeError) return { ok: false, error: err.message, code: err.code };
    throw err;
  }
}

async function kubectl(c: KubectlCase, dir: string, i: number): Promise<Outcome> {
  const file = join(dir, `obj-${i}.json`);
  await writeFile(file, JSON.stringify(baseOf(c)));
  const args = ['patch', '--local', '-f', file, '--type', c.type, '-p', JSON.stringify(c.patch), '-o', 'json'];
  const r = await runTool('kubectl', args, { timeoutMs: 30_000 });
  if (r.code !== 0) return { ok: false, error: r.stderr.split('\n')[0] ?? '' };
  try {
    return { ok: true, value: JSON.parse(r.stdout) as JsonObject };
  } catch {
    return { ok: false, error: `unparsable output: ${r.stdout.slice(0, 200)}` };
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

describe('patches agree with kubectl patch --local', () => {
  let dir = '';
  const results = new Map<KubectlCase, Outcome>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lockstep-patch-'));
    const compared = kubectlCases.filter((c) => c.stricter === undefined || c.type === 'json');
    const outcomes = await pool(compared, 2, (c, i) => kubectl(c, dir, i));
    compared.forEach((c, i) => results.set(c, outcomes[i] as Outcome));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the table is large enough and names are unique', () => {
    assert.ok(kubectlCases.length >= 150, `only ${kubectlCases.length} cases`);
    assert.equal(new Set(kubectlCases.map((c) => `${c.type}:${c.name}`)).size, kubectlCases.length);
    const errors = [...results.values()].filter((o) => !o.ok).length;
    assert.ok(errors >= 10 && errors < results.size / 2, `kubectl error cases: ${errors} of ${results.size}`);
  });

  const agree = (mine: Outcome, theirs: Outcome | undefined): void => {
    assert.ok(theirs, 'kubectl did not run');
    if (!theirs.ok) {
      assert.equal(mine.ok, false, `kubectl rejected (${theirs.error}) but we returned ${mine.ok ? JSON.stringify(mine.value) : ''}`);
      return;
    }
    assert.ok(mine.ok, `kubectl accepted but we failed: ${mine.ok ? '' : mine.error}`);
    assert.deepEqual(mine.value, theirs.value);
  };

  for (const c of kubectlCases) {
    test(`${c.type}: ${c.name}`, () => {
      if (c.kubernetesOnly !== true) {
        const mine = ours(c);
        if (c.stricter !== undefined) {
          assert.equal(mine.ok, false, 'we must reject this (kubectl is laxer)');
          if (!mine.ok) assert.equal(mine.code, c.stricter, mine.error);
        } else agree(mine, results.get(c));
      }
      // JSON patches in kubernetes compatibility mode must agree with kubectl on every row.
      if (c.type === 'json') agree(ours(c, 'kubernetes'), results.get(c));
    });
  }
});
