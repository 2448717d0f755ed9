import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { runTool } from '../../test/harness/tools.js';
import type { JsonObject } from '../kube/object.js';
import { OverlayError, renderFluxPath, writeFluxKustomization } from './flux-overlay.js';
import { KustomizeError } from './kustomize/index.js';

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'lockstep-overlay-'));
  for (const [p, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), text);
  }
  return root;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.0
`;
const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n';

const overlay = {
  targetNamespace: 'prod',
  namePrefix: 'p-',
  patches: [{ patch: '- op: add\n  path: /spec/replicas\n  value: 3', target: { kind: 'Deployment' } }],
  images: [{ name: 'nginx', newTag: '2.0' }, { name: 'busybox', newName: 'alpine' }],
  components: ['../components/extra'],
  commonMetadata: { labels: { team: 'a' }, annotations: { owner: 'ops' } },
};

test('overlay on an existing kustomization: same objects as kubectl kustomize of the written file, plus commonMetadata', async () => {
  const root = await tree({
    'apps/web/kustomization.yaml': 'resources: [deploy.yaml, svc.yaml]\nimages: [{name: nginx, newTag: "1.5"}]\n',
    'apps/web/deploy.yaml': deployment,
    'apps/web/svc.yaml': service,
    'apps/components/extra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations: {extra: "yes"}\n',
  });
  try {
    const result = renderFluxPath({ root, path: './apps/web', overlay });
    const k = parse(await readFile(join(root, 'apps/web/kustomization.yaml'), 'utf8')) as JsonObject;
    assert.deepEqual(k.images, [{ name: 'nginx', newTag: '2.0' }, { name: 'busybox', newName: 'alpine' }], 'same-name image replaced, new one appended');
    const oracle = await runTool('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', join(root, 'apps/web')]);
    assert.equal(oracle.code, 0, oracle.stderr);
    const want = parseAllDocuments(oracle.stdout).map((d) => d.toJSON() as JsonObject);
    for (const o of want) {
      const md = o.metadata as JsonObject;
      md.labels = { ...(md.labels as JsonObject | undefined), team: 'a' };
      md.annotations = { ...(md.annotations as JsonObject | undefined), owner: 'ops' };
    }
    assert.deepEqual(result.objects, want);
    const d = result.objects.find((o) => o.kind === 'Deployment') as JsonObject;
    assert.deepEqual([(d.metadata as JsonObject).name, (d.metadata as JsonObject).namespace, (d.spec as JsonObject).replicas], ['p-web', 'prod', 3]);
    assert.match(JSON.stringify(d), /nginx:2\.0/);
    assert.equal(((d.metadata as JsonObject).annotations as JsonObject).extra, 'yes');
    assert.deepEqual(((d.spec as JsonObject).selector as JsonObject).matchLabels, { app: 'web' }, 'commonMetadata leaves selectors alone');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a path without kustomization.yaml lists every manifest (sub-kustomizations as directories)', async () => {
  const root = await tree({ 'plain/a.yaml': service, 'plain/nested/b.yml': deployment, 'plain/sub/kustomization.yaml': 'resources: [c.yaml]\n', 'plain/sub/c.yaml': service.replace('name: web', 'name: c'), 'plain/notes.txt': 'x' });
  try {
    assert.equal(writeFluxKustomization(join(root, 'plain'), {}), 'created');
    const k = parse(await readFile(join(root, 'plain/kustomization.yaml'), 'utf8')) as JsonObject;
    assert.deepEqual(k.resources, ['a.yaml', 'nested/b.yml', 'sub']);
    const objs = renderFluxPath({ root, path: 'plain', overlay: { targetNamespace: 'x' } }).objects;
    assert.deepEqual(objs.map((o) => `${String(o.kind)}/${String((o.metadata as JsonObject).namespace)}/${String((o.metadata as JsonObject).name)}`).sort(), ['Deployment/x/web', 'Service/x/c', 'Service/x/web']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('bad paths, missing components and build errors are typed and name the path or file', async () => {
  const root = await tree({ 'ok/a.yaml': service, 'bad/kustomization.yaml': 'resources: [missing.yaml]\n', 'notk8s/x.yaml': 'just: data\n', 'remote/kustomization.yaml': 'resources:\n- https://github.com/x/y//base?ref=v1\n' });
  const outside = await mkdtemp(join(tmpdir(), 'lockstep-outside-'));
  await symlink(outside, join(root, 'escape'));
  try {
    assert.throws(() => renderFluxPath({ root, path: 'nope' }), (e: unknown) => e instanceof OverlayError && /kustomization path not found: stat nope/.test(e.message));
    assert.throws(() => renderFluxPath({ root, path: 'escape' }), (e: unknown) => e instanceof OverlayError && /outside the artifact/.test(e.message));
    assert.throws(() => renderFluxPath({ root, path: '../..' }), OverlayError);
    assert.throws(() => renderFluxPath({ root, path: 'ok', overlay: { components: ['../nocomp'] } }), (e: unknown) => e instanceof OverlayError && /component \.\.\/nocomp not found/.test(e.message));
    assert.equal(renderFluxPath({ root, path: 'ok', overlay: { components: ['../nocomp2'], ignoreMissingComponents: true } }).objects.length, 1);
    assert.throws(() => renderFluxPath({ root, path: 'bad' }), (e: unknown) => e instanceof KustomizeError && /missing\.yaml/.test(e.message));
    assert.throws(() => renderFluxPath({ root, path: 'notk8s' }), (e: unknown) => e instanceof KustomizeError && /x\.yaml/.test(e.message));
    const remote = /remote\/kustomization\.yaml: remote resource 'https:\/\/github\.com\/x\/y\/\/base\?ref=v1' refused/;
    assert.throws(() => renderFluxPath({ root, path: 'remote' }), (e: unknown) => e instanceof KustomizeError && remote.test(e.message));
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  }
});
