import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runTool } from '../../test/harness/tools.js';
import { componentsObjects, componentsYaml } from './components.js';
import { fluxSystemKustomizationYaml, normalizeRepoPath, syncObjects, syncYaml } from './sync.js';

const sync = { name: 'flux-system', namespace: 'flux-system', url: 'https://git.example.test/fleet.git', branch: 'main', path: 'clusters/dev/', interval: '1m0s' };

test('components: Namespace and CRDs first, every controller with ServiceAccount and Deployment, Service for artifacts', () => {
  const objs = componentsObjects({ version: '1.2.3' });
  const kinds = objs.map((o) => `${String(o['kind'])}/${String((o['metadata'] as { name: string }).name)}`);
  assert.equal(kinds[0], 'Namespace/flux-system');
  assert.deepEqual(kinds.slice(1, 3).sort(), ['CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io', 'CustomResourceDefinition/kustomizations.kustomize.toolkit.fluxcd.io']);
  for (const c of ['source-controller', 'kustomize-controller']) {
    assert.ok(kinds.includes(`ServiceAccount/${c}`), c);
    assert.ok(kinds.includes(`Deployment/${c}`), c);
  }
  assert.ok(kinds.includes('Service/source-controller'));
  for (const o of objs) assert.equal((o['metadata'] as { labels: Record<string, string> }).labels['app.kubernetes.io/part-of'], 'lockstep', String(o['kind']));
  const dep = objs.find((o) => o['kind'] === 'Deployment' && (o['metadata'] as { name: string }).name === 'source-controller');
  const text = JSON.stringify(dep);
  assert.match(text, /ghcr\.io\/lockstep\/lockstep:v1\.2\.3/);
  assert.match(text, /--storage-adv-addr=source-controller\.flux-system\.svc\.cluster\.local\./);
});

test('components: a subset, another namespace, an unknown component refused', () => {
  const objs = componentsObjects({ version: '1.0.0', namespace: 'gitops', components: ['kustomize-controller'] });
  assert.ok(!objs.some((o) => o['kind'] === 'Service'));
  assert.ok(objs.every((o) => (o['metadata'] as { namespace?: string }).namespace === undefined || (o['metadata'] as { namespace?: string }).namespace === 'gitops'));
  assert.throws(() => componentsObjects({ version: '1.0.0', components: ['image-reflector-controller'] }), /unknown component "image-reflector-controller"/);
});

test('normalizeRepoPath', () => {
  const cases: [string, string | RegExp][] = [
    ['clusters/dev', './clusters/dev'],
    ['./clusters/dev/', './clusters/dev'],
    ['clusters//dev', './clusters/dev'],
    ['.', './'],
    ['../x', /without ".."/],
    ['/abs', /relative/],
  ];
  for (const [input, want] of cases) {
    if (typeof want === 'string') assert.equal(normalizeRepoPath(input), want, input);
    else assert.throws(() => normalizeRepoPath(input), want, input);
  }
});

test('sync objects as flux bootstrap writes them', () => {
  const [git, ks] = syncObjects({ ...sync, secretName: 'flux-system' });
  assert.deepEqual(git?.['spec'], { interval: '1m0s', ref: { branch: 'main' }, url: sync.url, secretRef: { name: 'flux-system' } });
  assert.deepEqual(ks?.['spec'], { interval: '10m0s', path: './clusters/dev', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
  assert.ok(!('secretRef' in ((syncObjects(sync)[0]?.['spec'] ?? {}) as object)));
});

test('the flux-system folder builds with the real kustomize (kubectl kustomize) into the same objects', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-install-'));
  try {
    await mkdir(join(dir, 'flux-system'));
    await writeFile(join(dir, 'flux-system', 'gotk-components.yaml'), componentsYaml({ version: '0.1.0' }));
    await writeFile(join(dir, 'flux-system', 'gotk-sync.yaml'), syncYaml(sync));
    await writeFile(join(dir, 'flux-system', 'kustomization.yaml'), fluxSystemKustomizationYaml());
    const r = await runTool('kubectl', ['kustomize', join(dir, 'flux-system')]);
    assert.equal(r.code, 0, r.stderr);
    const built = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    const want = [...componentsObjects({ version: '0.1.0' }), ...syncObjects(sync)].map((o) => `${String(o['kind'])}/${String((o['metadata'] as { name: string }).name)}`).sort();
    assert.deepEqual(built.map((o) => `${o.kind}/${o.metadata.name}`).sort(), want);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
