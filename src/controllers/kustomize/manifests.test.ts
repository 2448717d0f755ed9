/**
 * ManifestRenderer against a real artifact server on loopback: one download and one unpacked tree per
 * digest shared by every path and overlay, the tree left as unpacked after each build, errors typed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startArtifactServer, writeArchive } from '../../artifact/index.js';
import { ManifestError, ManifestRenderer } from './manifests.js';

const files: Record<string, string> = {
  'base/kustomization.yaml': 'resources: [cm.yaml]\ncommonLabels: {tier: base}\n',
  'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n',
  'plain/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n',
};

/** `files` packed as `a.tar.gz` in a fresh dir's `storage/` and served by a real artifact server. */
async function servedArtifact(): Promise<{ dir: string; archive: Awaited<ReturnType<typeof writeArchive>>; server: Awaited<ReturnType<typeof startArtifactServer>> }> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-manifests-test-'));
  const src = join(dir, 'src');
  for (const [p, text] of Object.entries(files)) {
    await mkdir(join(src, p, '..'), { recursive: true });
    await writeFile(join(src, p), text);
  }
  const storage = join(dir, 'storage');
  await mkdir(storage);
  const archive = await writeArchive(src, join(storage, 'a.tar.gz'));
  return { dir, archive, server: await startArtifactServer({ root: storage }) };
}

test('one download and one unpacked tree per digest; overlays do not leak between builds; close removes the tree', async () => {
  const { dir, archive, server } = await servedArtifact();
  let downloads = 0;
  server.server.prependListener('request', () => downloads++);
  const scratch = join(dir, 'scratch');
  await mkdir(scratch);
  const renderer = new ManifestRenderer({ tmpDir: scratch });
  const req = { url: `${server.url}/a.tar.gz`, digest: archive.digest };
  try {
    const rows = [
      { path: 'base', overlay: { targetNamespace: 'one', namePrefix: 'x-' }, want: ['ConfigMap one/x-settings tier=base'] },
      { path: 'base', overlay: { targetNamespace: 'two' }, want: ['ConfigMap two/settings tier=base'] },
      { path: './plain', overlay: { namePrefix: 'p-' }, want: ['ServiceAccount -/p-runner tier=-'] },
      { path: 'plain', overlay: {}, want: ['ServiceAccount -/runner tier=-'] },
      { path: '/plain/', overlay: { namePrefix: 'q-' }, want: ['ServiceAccount -/q-runner tier=-'] },
    ];
    const results = await Promise.all(rows.map((r) => renderer.render({ ...req, path: r.path, overlay: r.overlay })));
    rows.forEach((r, i) => {
      const got = (results[i] ?? []).map((o) => {
        const md = o['metadata'] as { name: string; namespace?: string; labels?: Record<string, string> };
        return `${String(o['kind'])} ${md.namespace ?? '-'}/${md.name} tier=${md.labels?.['tier'] ?? '-'}`;
      });
      assert.deepEqual(got, r.want, JSON.stringify(r));
    });
    assert.equal(downloads, 1, 'one download');
    const trees = await readdir(scratch);
    assert.equal(trees.length, 1, `one unpacked tree: ${trees.join(', ')}`);
    const tree = join(scratch, trees[0] ?? '');
    assert.equal(await readFile(join(tree, 'base', 'kustomization.yaml'), 'utf8'), files['base/kustomization.yaml'], 'the rewritten kustomization file is restored');
    assert.deepEqual((await readdir(join(tree, 'plain'))).sort(), ['sa.yaml'], 'the generated kustomization file is removed');
    await assert.rejects(renderer.render({ ...req, path: 'missing', overlay: {} }), (e: unknown) => e instanceof ManifestError && e.stage === 'artifact');
    await assert.rejects(renderer.render({ ...req, path: '../..', overlay: {} }), (e: unknown) => e instanceof ManifestError && e.stage === 'artifact');
    await renderer.close();
    assert.deepEqual(await readdir(scratch), [], 'close removes the tree');
    // still usable: unpacks again (the download stays cached)
    const again = await renderer.render({ ...req, path: 'base', overlay: { targetNamespace: 'three' } });
    assert.equal((again[0]?.['metadata'] as { namespace?: string }).namespace, 'three');
    assert.equal(downloads, 1);
  } finally {
    await renderer.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('the rendered cache is bounded by objects as well as entries; callers get copies', async () => {
  const { dir, archive, server } = await servedArtifact();
  const rows = [
    { maxCachedObjects: 2, maxEntries: 100, wantBuilds: 4 },
    { maxCachedObjects: 100, maxEntries: 2, wantBuilds: 4 },
    { maxCachedObjects: 100, maxEntries: 100, wantBuilds: 3 },
  ];
  try {
    for (const r of rows) {
      const renderer = new ManifestRenderer({ tmpDir: dir, maxCachedObjects: r.maxCachedObjects, maxEntries: r.maxEntries });
      const render = (path: string, ns: string) => renderer.render({ url: `${server.url}/a.tar.gz`, digest: archive.digest, path, overlay: { targetNamespace: ns } });
      try {
        const first = await render('base', 'a');
        (first[0]?.['metadata'] as Record<string, unknown>)['name'] = 'changed by the caller';
        await render('plain', 'a');
        await render('plain', 'b'); // a third result of one object each: evicts 'base a' when only two fit
        const again = await render('base', 'a');
        assert.equal((again[0]?.['metadata'] as { name?: string }).name, 'settings', 'a copy, untouched by the caller');
        assert.equal(renderer.builds, r.wantBuilds, JSON.stringify(r));
      } finally {
        await renderer.close();
      }
    }
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
