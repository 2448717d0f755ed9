/**
 * The local cluster serves the API versions of Kubernetes 1.32 (its `/version`), not every version of the 1.21
 * table it is generated from: versions removed in 1.22, 1.25, 1.26, 1.27, 1.29 and 1.32 are absent from
 * discovery and OpenAPI, requests to them get 404, and the real kubectl v1.32.3 (the oracle) cannot map kinds to
 * them. The expected lists are written from the Kubernetes deprecated API migration guide, not derived from
 * the code under test.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { clusterRequest } from '../../test/harness/cluster-http.js';
import { kubectlSession } from '../../test/harness/kubectl-session.js';

/** What `kubectl api-versions` prints for a default Kubernetes 1.32 API server (minus nothing, plus nothing). */
const V132_API_VERSIONS = [
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'apiregistration.k8s.io/v1',
  'apps/v1',
  'authentication.k8s.io/v1',
  'authorization.k8s.io/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'batch/v1',
  'certificates.k8s.io/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'events.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1',
  'networking.k8s.io/v1',
  'node.k8s.io/v1',
  'policy/v1',
  'rbac.authorization.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1',
  'v1',
];

/** Group versions a 1.32 server no longer serves, with a resource each served under it in 1.21, and the release that removed it. */
const REMOVED: { gv: string; plural: string; kind: string; removedIn: string }[] = [
  { gv: 'admissionregistration.k8s.io/v1beta1', plural: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration', removedIn: '1.22' },
  { gv: 'apiextensions.k8s.io/v1beta1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', removedIn: '1.22' },
  { gv: 'apiregistration.k8s.io/v1beta1', plural: 'apiservices', kind: 'APIService', removedIn: '1.22' },
  { gv: 'authentication.k8s.io/v1beta1', plural: 'tokenreviews', kind: 'TokenReview', removedIn: '1.22' },
  { gv: 'authorization.k8s.io/v1beta1', plural: 'subjectaccessreviews', kind: 'SubjectAccessReview', removedIn: '1.22' },
  { gv: 'certificates.k8s.io/v1beta1', plural: 'certificatesigningrequests', kind: 'CertificateSigningRequest', removedIn: '1.22' },
  { gv: 'coordination.k8s.io/v1beta1', plural: 'leases', kind: 'Lease', removedIn: '1.22' },
  { gv: 'extensions/v1beta1', plural: 'ingresses', kind: 'Ingress', removedIn: '1.22' },
  { gv: 'networking.k8s.io/v1beta1', plural: 'ingresses', kind: 'Ingress', removedIn: '1.22' },
  { gv: 'rbac.authorization.k8s.io/v1beta1', plural: 'clusterroles', kind: 'ClusterRole', removedIn: '1.22' },
  { gv: 'scheduling.k8s.io/v1beta1', plural: 'priorityclasses', kind: 'PriorityClass', removedIn: '1.22' },
  { gv: 'storage.k8s.io/v1beta1', plural: 'storageclasses', kind: 'StorageClass', removedIn: '1.22' },
  { gv: 'autoscaling/v2beta1', plural: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', removedIn: '1.25' },
  { gv: 'batch/v1beta1', plural: 'cronjobs', kind: 'CronJob', removedIn: '1.25' },
  { gv: 'discovery.k8s.io/v1beta1', plural: 'endpointslices', kind: 'EndpointSlice', removedIn: '1.25' },
  { gv: 'events.k8s.io/v1beta1', plural: 'events', kind: 'Event', removedIn: '1.25' },
  { gv: 'node.k8s.io/v1beta1', plural: 'runtimeclasses', kind: 'RuntimeClass', removedIn: '1.25' },
  { gv: 'policy/v1beta1', plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', removedIn: '1.25' },
  { gv: 'policy/v1beta1', plural: 'podsecuritypolicies', kind: 'PodSecurityPolicy', removedIn: '1.25' },
  { gv: 'autoscaling/v2beta2', plural: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', removedIn: '1.26' },
  { gv: 'flowcontrol.apiserver.k8s.io/v1beta1', plural: 'flowschemas', kind: 'FlowSchema', removedIn: '1.26' },
  { gv: 'storage.k8s.io/v1beta1', plural: 'csistoragecapacities', kind: 'CSIStorageCapacity', removedIn: '1.27' },
  { gv: 'flowcontrol.apiserver.k8s.io/v1beta2', plural: 'flowschemas', kind: 'FlowSchema', removedIn: '1.29' },
  { gv: 'flowcontrol.apiserver.k8s.io/v1beta3', plural: 'prioritylevelconfigurations', kind: 'PriorityLevelConfiguration', removedIn: '1.32' },
];

/** Resources whose served version moved: `kubectl api-resources` must list them at the 1.32 version. */
const MOVED: [string, string][] = [
  ['cronjobs', 'batch/v1'],
  ['poddisruptionbudgets', 'policy/v1'],
  ['horizontalpodautoscalers', 'autoscaling/v2'],
  ['ingresses', 'networking.k8s.io/v1'],
  ['endpointslices', 'discovery.k8s.io/v1'],
  ['flowschemas', 'flowcontrol.apiserver.k8s.io/v1'],
  ['csistoragecapacities', 'storage.k8s.io/v1'],
  ['runtimeclasses', 'node.k8s.io/v1'],
  ['leases', 'coordination.k8s.io/v1'],
];

const cronJob = (apiVersion: string): string =>
  `apiVersion: ${apiVersion}\nkind: CronJob\nmetadata:\n  name: nightly\n  namespace: default\nspec:\n  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: a\n            image: busybox\n`;

describe('discovery serves what Kubernetes 1.32 serves', () => {
  const session = kubectlSession('lockstep-discovery-versions-');
  const { k, ok } = session;

  test('/version is 1.32', async () => {
    const v = JSON.parse(await ok('version', '-o', 'json')) as { serverVersion: { major: string; minor: string; gitVersion: string } };
    assert.equal(v.serverVersion.major, '1');
    assert.equal(v.serverVersion.minor, '32');
    assert.match(v.serverVersion.gitVersion, /^v1\.32\./);
  });

  test('kubectl api-versions prints exactly the 1.32 group versions', async () => {
    assert.deepEqual((await ok('api-versions')).trim().split('\n'), V132_API_VERSIONS);
  });

  test('kubectl api-resources lists moved resources at their 1.32 version only, and no removed kind', async () => {
    const rows = (await ok('api-resources', '--no-headers'))
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
    // NAME [SHORTNAMES] APIVERSION NAMESPACED KIND
    const served = rows.map((cols) => ({ name: cols[0] ?? '', apiVersion: cols[cols.length - 3] ?? '', kind: cols[cols.length - 1] ?? '' }));
    for (const r of served) assert.ok(V132_API_VERSIONS.includes(r.apiVersion), `${r.name} at ${r.apiVersion}`);
    for (const [name, apiVersion] of MOVED) {
      assert.deepEqual(served.filter((r) => r.name === name).map((r) => r.apiVersion), [apiVersion], name);
    }
    assert.ok(!served.some((r) => r.kind === 'PodSecurityPolicy'), 'PodSecurityPolicy is gone');
    assert.equal((await ok('api-resources', '--api-group=extensions', '--no-headers')).trim(), '');
  });

  test(`${REMOVED.length} removed group versions: 404 for discovery, lists and objects; absent from /apis and OpenAPI`, async () => {
    const wrong: string[] = [];
    for (const r of REMOVED) {
      const base = `/apis/${r.gv}`;
      for (const path of [base, `${base}/${r.plural}`, `${base}/namespaces/default/${r.plural}/x`]) {
        const res = await clusterRequest(session.cluster, path);
        if (res.status !== 404) wrong.push(`${path} (removed in ${r.removedIn}): ${res.status}`);
      }
    }
    const create = await clusterRequest(session.cluster, '/apis/batch/v1beta1/namespaces/default/cronjobs', { method: 'POST', body: { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'x' } } });
    if (create.status !== 404) wrong.push(`POST batch/v1beta1 cronjobs: ${create.status}`);
    assert.deepEqual(wrong, []);

    const groups = (await clusterRequest(session.cluster, '/apis')).json as { groups: { versions: { groupVersion: string }[] }[] };
    const listed = groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion));
    assert.deepEqual(listed.sort(), V132_API_VERSIONS.filter((v) => v !== 'v1').sort());
    assert.equal((await clusterRequest(session.cluster, '/apis/extensions')).status, 404, 'a group with no served version is gone');

    const v3 = (await clusterRequest(session.cluster, '/openapi/v3')).json as { paths: Record<string, unknown> };
    const removedPaths = Object.keys(v3.paths).filter((p) => REMOVED.some((r) => p === `apis/${r.gv}`));
    assert.deepEqual(removedPaths, []);
    assert.ok(Object.keys(v3.paths).includes('apis/batch/v1'), 'OpenAPI v3 still lists served versions');
  });

  test('kubectl cannot map a kind to a removed version (apply, get); the 1.32 version works', async () => {
    const old = join(session.dir, 'old.yaml');
    writeFileSync(old, cronJob('batch/v1beta1'));
    // --validate=false: for a group version missing from /openapi/v3, kubectl's client-side validation falls back to
    // protobuf OpenAPI v2, which the local cluster does not serve (406); a real server gets to the mapping error.
    const refused = await k('apply', '--validate=false', '-f', old);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /no matches for kind "CronJob" in version "batch\/v1beta1"/);

    const psp = await k('get', 'podsecuritypolicies');
    assert.notEqual(psp.code, 0);
    assert.match(psp.stderr, /the server doesn't have a resource type "podsecuritypolicies"/);
    const oldIngress = await k('get', 'ingresses.v1beta1.extensions');
    assert.notEqual(oldIngress.code, 0);

    const current = join(session.dir, 'current.yaml');
    writeFileSync(current, cronJob('batch/v1'));
    assert.match(await ok('apply', '-f', current), /cronjob\.batch\/nightly created/);
    assert.match(await ok('get', 'cronjobs', '-n', 'default', '-o', 'name'), /cronjob\.batch\/nightly/);
  });
});
