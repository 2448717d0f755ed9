/**
 * The cluster's semantics through real HTTP with the kubectl oracle: RBAC answers `auth can-i --as`,
 * `wait --for=condition=Available` follows the workload simulation, cascading and namespace deletion.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../../../test/harness/eventually.js';
import { startTestCluster, type TestCluster } from '../../../test/harness/cluster.js';
import { runTool } from '../../../test/harness/tools.js';
import { packageRoot } from '../../util/paths.js';
import { defaultAdmissionPlugins } from '../admission/index.js';
import { rbacAuthorizer } from '../rbac/index.js';
import { defaultControllers } from './index.js';

let cluster: TestCluster;

const kubectl = (args: string[], input?: string): ReturnType<typeof runTool> => runTool('kubectl', args, { env: cluster.env, input, timeoutMs: 60_000 });

const deploymentYaml = (name: string, annotations = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: team
${annotations ? `  annotations:\n    cluster.lockstep.dev/simulate: ${annotations}\n` : ''}spec:
  replicas: 2
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;

describe('cluster semantics through kubectl', () => {
  before(async () => {
    cluster = await startTestCluster({
      plugins: (client) => {
        const rbac = rbacAuthorizer(client);
        return { admission: defaultAdmissionPlugins({ rbac }), authorizer: rbac, controllers: defaultControllers({ simulateDelayMs: 30 }) };
      },
    });
    const r = await kubectl(['create', 'namespace', 'team']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await cluster.close();
  });

  test('auth can-i --as a service account answers by RBAC', async () => {
    for (const args of [
      ['create', 'serviceaccount', 'flux', '-n', 'team'],
      ['create', 'rolebinding', 'flux-edit', '--clusterrole=edit', '--serviceaccount=team:flux', '-n', 'team'],
    ]) {
      const r = await kubectl(args);
      assert.equal(r.code, 0, r.stderr);
    }
    const sa = '--as=system:serviceaccount:team:flux';
    const cases: [string[], 'yes' | 'no'][] = [
      [['create', 'deployments', '-n', 'team'], 'yes'],
      [['get', 'secrets', '-n', 'team'], 'yes'],
      [['create', 'deployments', '-n', 'default'], 'no'],
      [['create', 'roles', '-n', 'team'], 'no'],
      [['list', 'nodes'], 'no'],
    ];
    for (const [args, want] of cases) {
      const r = await kubectl(['auth', 'can-i', ...args, sa]);
      assert.equal(r.stdout.trim(), want, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.code, want === 'yes' ? 0 : 1);
    }
    const denied = await kubectl(['get', 'pods', '-n', 'default', sa]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /Error from server \(Forbidden\): pods is forbidden: User "system:serviceaccount:team:flux" cannot list resource "pods" in API group "" in the namespace "default"/);
    const allowed = await kubectl(['get', 'configmaps', '-n', 'team', sa]);
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  test('RBAC escalation: a namespace admin may bind edit but not cluster-admin', async () => {
    for (const args of [
      ['create', 'serviceaccount', 'tenant', '-n', 'team'],
      ['create', 'rolebinding', 'tenant-admin', '--clusterrole=admin', '--serviceaccount=team:tenant', '-n', 'team'],
    ]) {
      const r = await kubectl(args);
      assert.equal(r.code, 0, r.stderr);
    }
    const as = '--as=system:serviceaccount:team:tenant';
    const ok = await kubectl(['create', 'rolebinding', 'dev-edit', '--clusterrole=edit', '--user=dev', '-n', 'team', as]);
    assert.equal(ok.code, 0, ok.stderr);
    const bad = await kubectl(['create', 'rolebinding', 'dev-root', '--clusterrole=cluster-admin', '--user=dev', '-n', 'team', as]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /rolebindings\.rbac\.authorization\.k8s\.io "dev-root" is forbidden: user "system:serviceaccount:team:tenant" \(groups=\["system:serviceaccounts" "system:serviceaccounts:team" "system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}/,
    );
    const role = await kubectl(['create', 'role', 'nodes', '--verb=get', '--resource=secrets', '-n', 'team', as]);
    assert.equal(role.code, 0, role.stderr);
  });

  test('wait --for=condition=Available succeeds, and times out for a failing Deployment', async () => {
    const apply = await kubectl(['apply', '-f', '-'], deploymentYaml('web') + '---\n' + deploymentYaml('bad', 'fail'));
    assert.equal(apply.code, 0, apply.stderr);
    const ok = await kubectl(['wait', '--for=condition=Available', 'deployment/web', '-n', 'team', '--timeout=30s']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), 'deployment.apps/web condition met');
    const bad = await kubectl(['wait', '--for=condition=Available', 'deployment/bad', '-n', 'team', '--timeout=2s']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /timed out waiting for the condition on deployments\/bad/);
    const status = await kubectl(['rollout', 'status', 'deployment/web', '-n', 'team', '--timeout=10s']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /deployment "web" successfully rolled out/);
  });

  test('422s for immutable fields and CRD schema violations read like a real API server', async () => {
    const changed = deploymentYaml('web').replace(/app: web/g, 'app: web2');
    const r = await kubectl(['apply', '-f', '-'], changed);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The Deployment "web" is invalid: spec\.selector: Invalid value: v1\.LabelSelector\{MatchLabels:map\[string\]string\{"app":"web2"\}, MatchExpressions:\[\]v1\.LabelSelectorRequirement\(nil\)\}: field is immutable/);
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, kind: Widget, singular: widget}
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
            properties:
              replicas: {type: integer, default: 1}
              mode: {type: string, enum: [fast, safe]}
`;
    const c = await kubectl(['apply', '-f', '-'], crd);
    assert.equal(c.code, 0, c.stderr);
    await kubectl(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=10s']);
    const bad = await kubectl(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: team}\nspec: {replicas: "three", mode: slow}\n');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /The Widget "w" is invalid: \n\* spec\.mode: Unsupported value: "slow": supported values: "fast", "safe"\n\* spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer: "string"|The Widget "w" is invalid: \n\* spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer: "string"\n\* spec\.mode: Unsupported value: "slow": supported values: "fast", "safe"/);
    const good = await kubectl(['apply', '-f', '-', '-o', 'jsonpath={.spec.replicas}'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: team}\nspec: {mode: fast}\n');
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stdout, '1');
  });

  test("Flux's CRDs apply with kubectl (x-kubernetes-validations kept) and their CEL rules are enforced", async () => {
    const dir = join(packageRoot(), '..', 'shared', 'reference', 'flux-crds');
    const r = await kubectl(['apply', '-f', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, readdirSync(dir).filter((f) => f.endsWith('.yaml')).length);
    const w = await kubectl(['wait', '--for=condition=Established', 'crd/helmreleases.helm.toolkit.fluxcd.io', '--timeout=10s']);
    assert.equal(w.code, 0, w.stderr);
    const hr = await kubectl(['apply', '-f', '-'], 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: x, namespace: team}\nspec: {interval: 5m}\n');
    assert.equal(hr.code, 1);
    assert.match(hr.stderr, /The HelmRelease "x" is invalid: spec: Invalid value: "object": either chart or chartRef must be set/);
  });

  test('client-side apply, then server-side apply (managed-fields migration), then diff: no errors, no drift', async () => {
    const manifests = `apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: team}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: job, image: busybox:1.36}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: team}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:16}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
    const csa = await kubectl(['apply', '-f', '-'], manifests);
    assert.equal(csa.code, 0, csa.stderr);
    await eventually(async () => {
      const r = await kubectl(['get', 'job', 'migrate', '-n', 'team', '-o', 'jsonpath={.status.succeeded}']);
      assert.equal(r.stdout, '1');
    }, { timeoutMs: 10_000 });
    const again = await kubectl(['apply', '-f', '-'], manifests);
    assert.equal(again.code, 0, again.stderr);
    const ssa = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], manifests);
    assert.equal(ssa.code, 0, ssa.stderr);
    assert.equal(ssa.stderr, '');
    const diff = await kubectl(['diff', '--server-side', '--force-conflicts', '-f', '-'], manifests);
    assert.equal(diff.code, 0, diff.stdout + diff.stderr);
  });

  test('deleting a Deployment removes its ReplicaSets and Pods; deleting the namespace removes everything', async () => {
    const before = await kubectl(['get', 'replicasets,pods', '-n', 'team', '-l', 'app=web', '-o', 'name']);
    assert.equal(before.stdout.trim().split('\n').length, 3, before.stdout);
    const del = await kubectl(['delete', 'deployment', 'web', '-n', 'team']);
    assert.equal(del.code, 0, del.stderr);
    await eventually(async () => {
      const r = await kubectl(['get', 'replicasets,pods', '-n', 'team', '-l', 'app=web', '-o', 'name']);
      assert.equal(r.stdout.trim(), '');
    }, { timeoutMs: 15_000 });
    const ns = await kubectl(['delete', 'namespace', 'team', '--timeout=30s']);
    assert.equal(ns.code, 0, ns.stderr);
    const gone = await kubectl(['get', 'namespace', 'team']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /namespaces "team" not found/);
  });
});
