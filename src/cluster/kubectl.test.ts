/**
 * The kubectl journey against the local cluster with the real kubectl v1.32.3 oracle: every command a
 * GitOps user runs, outputs asserted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { kubectlSession } from '../../test/harness/kubectl-session.js';
import { runTool } from '../../test/harness/tools.js';
import { eventually } from '../../test/harness/eventually.js';
import { clusterRequest } from '../../test/harness/cluster-http.js';

const deployment = (image: string, replicas = 2): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: journey
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: ${image}
`;

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget, shortNames: [gd]}
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
              size: {type: integer}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
`;

describe('kubectl journey', () => {
  const session = kubectlSession('kubectl-journey-');
  const { k, ok, file } = session;

  test('create namespace (protobuf body) and get it', async () => {
    assert.equal((await ok('create', 'namespace', 'journey')).trim(), 'namespace/journey created');
    assert.match(await ok('get', 'ns', 'journey'), /^NAME\s+STATUS\s+AGE\njourney\s+Active\s+\d+s\n$/);
  });

  test('create configmap and secret (protobuf bodies) round-trip their data', async () => {
    await ok('-n', 'journey', 'create', 'configmap', 'cfg', '--from-literal=a=1');
    await ok('-n', 'journey', 'create', 'secret', 'generic', 'sec', '--from-literal=p=s3cret');
    const cm = parseYaml(await ok('-n', 'journey', 'get', 'cm', 'cfg', '-o', 'yaml')) as { data: Record<string, string> };
    assert.deepEqual(cm.data, { a: '1' });
    const sec = parseYaml(await ok('-n', 'journey', 'get', 'secret', 'sec', '-o', 'yaml')) as { data: Record<string, string>; type: string };
    assert.equal(Buffer.from(sec.data.p ?? '', 'base64').toString(), 's3cret');
  });

  test('create deployment, serviceaccount, role and rolebinding (protobuf bodies)', async () => {
    assert.equal((await ok('-n', 'journey', 'create', 'deployment', 'hello', '--image=nginx:1.27', '--replicas=3', '--port=8080')).trim(), 'deployment.apps/hello created');
    const d = JSON.parse(await ok('-n', 'journey', 'get', 'deploy', 'hello', '-o', 'json')) as {
      metadata: { labels: Record<string, string> };
      spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { spec: { containers: { name: string; image: string; ports: { containerPort: number; protocol: string }[] }[] } } };
    };
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.selector.matchLabels, { app: 'hello' });
    assert.deepEqual(d.spec.template.spec.containers.map((x) => [x.name, x.image, x.ports[0]?.containerPort, x.ports[0]?.protocol]), [['nginx', 'nginx:1.27', 8080, 'TCP']]);
    await ok('-n', 'journey', 'create', 'serviceaccount', 'bot');
    await ok('-n', 'journey', 'create', 'role', 'reader', '--verb=get,list', '--resource=configmaps');
    await ok('-n', 'journey', 'create', 'rolebinding', 'bot-reader', '--role=reader', '--serviceaccount=journey:bot');
    const rb = JSON.parse(await ok('-n', 'journey', 'get', 'rolebinding', 'bot-reader', '-o', 'json')) as { roleRef: unknown; subjects: { kind: string; name: string; namespace: string }[] };
    assert.deepEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' });
    assert.deepEqual(rb.subjects.map((x) => [x.kind, x.name, x.namespace]), [['ServiceAccount', 'bot', 'journey']]);
    const sa = 'system:serviceaccount:journey:bot';
    assert.equal((await k('-n', 'journey', 'auth', 'can-i', 'list', 'configmaps', '--as', sa)).stdout.trim(), 'yes');
    assert.equal((await k('-n', 'journey', 'auth', 'can-i', 'delete', 'configmaps', '--as', sa)).stdout.trim(), 'no');
    await ok('-n', 'journey', 'delete', 'deploy', 'hello');
    assert.equal((await ok('-n', 'journey', 'create', 'service', 'clusterip', 'svc1', '--tcp=80:8080')).trim(), 'service/svc1 created');
    const ports = JSON.parse(await ok('-n', 'journey', 'get', 'svc', 'svc1', '-o', 'jsonpath={.spec.ports}')) as unknown;
    assert.deepEqual(ports, [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }]);
    assert.match(await ok('-n', 'journey', 'get', 'svc'), /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nsvc1\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+\n$/);
    assert.equal((await ok('-n', 'journey', 'create', 'job', 'once', '--image=busybox:1')).trim(), 'job.batch/once created');
  });

  test('apply (client-side) creates then configures; get -o yaml shows it', async () => {
    const f = file('dep.yaml', deployment('nginx:1.27'));
    assert.equal((await ok('apply', '-f', f)).trim(), 'deployment.apps/web created');
    assert.equal((await ok('apply', '-f', f)).trim(), 'deployment.apps/web unchanged');
    const live = parseYaml(await ok('-n', 'journey', 'get', 'deploy', 'web', '-o', 'yaml', '--show-managed-fields')) as {
      metadata: { generation: number; annotations: Record<string, string>; managedFields: { manager: string }[] };
      spec: { replicas: number };
    };
    assert.equal(live.spec.replicas, 2);
    assert.equal(live.metadata.generation, 1);
    assert.ok(live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    assert.ok(live.metadata.managedFields.some((m) => m.manager === 'kubectl-client-side-apply'));
    assert.equal((await ok('apply', '-f', file('dep2.yaml', deployment('nginx:1.28')))).trim(), 'deployment.apps/web configured');
  });

  test('get prints the Deployment table', async () => {
    assert.match(await ok('-n', 'journey', 'get', 'deploy'), /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+\d\/2\s+\d+\s+\d+\s+\S+\n$/);
  });

  test('label, annotate and the three patch types', async () => {
    assert.equal((await ok('-n', 'journey', 'label', 'deploy', 'web', 'tier=front')).trim(), 'deployment.apps/web labeled');
    assert.equal((await ok('-n', 'journey', 'annotate', 'deploy', 'web', 'note=hi')).trim(), 'deployment.apps/web annotated');
    await ok('-n', 'journey', 'patch', 'deploy', 'web', '--type', 'merge', '-p', '{"spec":{"replicas":3}}');
    await ok('-n', 'journey', 'patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.29"}]}}}}');
    await ok('-n', 'journey', 'patch', 'deploy', 'web', '--type', 'json', '-p', '[{"op":"add","path":"/metadata/labels/extra","value":"x"}]');
    const live = JSON.parse(await ok('-n', 'journey', 'get', 'deploy', 'web', '-o', 'json')) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } };
    };
    assert.deepEqual(live.metadata.labels, { tier: 'front', extra: 'x' });
    assert.equal(live.metadata.annotations.note, 'hi');
    assert.equal(live.spec.replicas, 3);
    assert.deepEqual(live.spec.template.spec.containers.map((x) => [x.name, x.image]), [['app', 'nginx:1.29']]);
    const bad = await k('-n', 'journey', 'patch', 'deploy', 'web', '--type', 'json', '-p', '[{"op":"test","path":"/spec/replicas","value":7}]');
    assert.notEqual(bad.code, 0);
  });

  test('JSON patch with the API server quirks: replace of a missing member adds it, negative indices', async () => {
    // RFC 6902 refuses both; the API server (evanphx/json-patch v4) applies them (own Deployment: later tests use web)
    await ok('-n', 'journey', 'create', 'deployment', 'patched', '--image=nginx:1.27');
    await ok('-n', 'journey', 'patch', 'deploy', 'patched', '--type', 'json', '-p', '[{"op":"replace","path":"/metadata/annotations/owner","value":"team-a"}]');
    await ok('-n', 'journey', 'patch', 'deploy', 'patched', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/template/spec/containers/-1/image","value":"nginx:1.30"}]');
    const live = JSON.parse(await ok('-n', 'journey', 'get', 'deploy', 'patched', '-o', 'json')) as {
      metadata: { annotations: Record<string, string> };
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    assert.equal(live.metadata.annotations.owner, 'team-a');
    assert.deepEqual(live.spec.template.spec.containers.map((x) => x.image), ['nginx:1.30']);
    // a missing parent is still an error, and nothing changes
    const bad = await k('-n', 'journey', 'patch', 'deploy', 'patched', '--type', 'json', '-p', '[{"op":"replace","path":"/metadata/nothing/here","value":"x"}]');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /nothing/);
  });

  test('apply --server-side: conflicts reported, --force-conflicts takes ownership', async () => {
    const f = file('ssa.yaml', deployment('nginx:1.30', 5));
    const conflict = await k('apply', '--server-side', '-f', f);
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /Apply failed with 2 conflicts: conflicts with "kubectl-patch" using apps\/v1:\n- \.spec\.replicas\n/);
    assert.equal((await ok('apply', '--server-side', '--force-conflicts', '-f', f)).trim(), 'deployment.apps/web serverside-applied');
    const live = JSON.parse(await ok('-n', 'journey', 'get', 'deploy', 'web', '-o', 'json', '--show-managed-fields')) as { spec: { replicas: number }; metadata: { managedFields: { manager: string; operation: string }[] } };
    assert.equal(live.spec.replicas, 5);
    assert.ok(live.metadata.managedFields.some((m) => m.manager === 'kubectl' && m.operation === 'Apply'));
  });

  test('edit through KUBE_EDITOR', async () => {
    const editor = file('editor.mjs', "import { readFileSync, writeFileSync } from 'node:fs';\nconst p = process.argv[2];\nwriteFileSync(p, readFileSync(p, 'utf8').replace('replicas: 5', 'replicas: 6'));\n");
    const r = await runTool('kubectl', ['-n', 'journey', 'edit', 'deploy', 'web'], { env: { ...session.cluster.env, KUBE_EDITOR: `${process.execPath} ${editor}` } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'deployment.apps/web edited');
    assert.equal((await ok('-n', 'journey', 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}')).trim(), '6');
  });

  test('diff and diff --server-side show the pending change (exit 1) and nothing after apply (exit 0)', async () => {
    const f = file('diff.yaml', deployment('nginx:1.31', 6));
    for (const extra of [[], ['--server-side', '--force-conflicts']]) {
      const d = await k('diff', ...extra, '-f', f);
      assert.equal(d.code, 1, d.stderr);
      assert.match(d.stdout, /-\s+- image: nginx:1\.30\n\+\s+- image: nginx:1\.31/);
    }
    await ok('apply', '--server-side', '--force-conflicts', '-f', f);
    // the workload simulation may still be writing status between kubectl's reads: allow it to settle
    await eventually(async () => {
      const same = await k('diff', '--server-side', '-f', f);
      assert.equal(same.code, 0, same.stdout + same.stderr);
    }, { timeoutMs: 10_000, intervalMs: 300 });
  });

  test('wait --for=condition=Available (workload simulation)', async () => {
    const out = await ok('-n', 'journey', 'wait', '--for=condition=Available', 'deployment/web', '--timeout=30s');
    assert.equal(out.trim(), 'deployment.apps/web condition met');
  });

  test('get -w streams a change', async () => {
    const watch = runTool('kubectl', ['-n', 'journey', 'get', 'cm', 'cfg', '-w', '--request-timeout=3s'], { env: session.cluster.env, timeoutMs: 6000 });
    await new Promise((r) => setTimeout(r, 800));
    await ok('-n', 'journey', 'label', 'cm', 'cfg', 'seen=yes');
    const r = await watch;
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^NAME\s+DATA\s+AGE$/);
    assert.ok(lines.filter((l) => l.startsWith('cfg ')).length >= 2, r.stdout);
  });

  test('api-resources and explain', async () => {
    const ar = await ok('api-resources');
    assert.match(ar, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(ar, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    const ex = await ok('explain', 'deployment.spec');
    assert.match(ex, /KIND:\s+Deployment/);
    assert.match(ex, /FIELD: spec <DeploymentSpec>/);
    assert.match(ex, /replicas\s+<integer>/);
    const hpa = await ok('explain', 'hpa.spec.metrics', '--api-version=autoscaling/v2');
    assert.match(hpa, /VERSION:\s+v2/);
    assert.match(hpa, /FIELD: metrics <\[\]MetricSpec>/);
  });

  test('auth can-i (protobuf access review), with and without --as', async () => {
    assert.equal((await ok('auth', 'can-i', 'create', 'deployments', '-n', 'journey')).trim(), 'yes');
    const r = await k('auth', 'can-i', 'create', 'deployments', '-n', 'journey', '--as', 'nobody');
    assert.equal(r.stdout.trim(), 'no');
  });

  test('RBAC escalation prevention (default wiring): a user with edit may not create a Role granting more', async () => {
    // edit holds no RBAC verbs; give dev create/update on roles only, so the escalation check is what decides
    await ok('-n', 'journey', 'create', 'rolebinding', 'dev-edit', '--clusterrole=edit', '--user=dev');
    await ok('-n', 'journey', 'create', 'role', 'role-writer', '--verb=create,update,get', '--resource=roles');
    await ok('-n', 'journey', 'create', 'rolebinding', 'dev-role-writer', '--role=role-writer', '--user=dev');
    // rules dev holds through edit: allowed
    assert.equal((await ok('-n', 'journey', 'create', 'role', 'cm-reader', '--verb=get,list', '--resource=configmaps', '--as=dev')).trim(), 'role.rbac.authorization.k8s.io/cm-reader created');
    // delete on roles is held by neither edit nor role-writer: refused with the API server's message
    const bad = await k('-n', 'journey', 'create', 'role', 'role-deleter', '--verb=delete', '--resource=roles', '--as=dev');
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /roles\.rbac\.authorization\.k8s\.io "role-deleter" is forbidden: user "dev" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["rbac\.authorization\.k8s\.io"\], Resources:\["roles"\], Verbs:\["delete"\]\}/,
    );
    // through apply too, and nothing was stored
    const applied = await runTool('kubectl', ['apply', '--as=dev', '-f', '-'], {
      env: session.cluster.env,
      input: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: node-admin, namespace: journey}\nrules:\n- {apiGroups: [""], resources: [nodes], verbs: ["*"]}\n',
    });
    assert.equal(applied.code, 1);
    assert.match(applied.stderr, /attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["\*"\]\}/);
    const gone = await k('-n', 'journey', 'get', 'role', 'role-deleter', 'node-admin', '--ignore-not-found', '-o', 'name');
    assert.equal(gone.stdout, '');
  });

  test('auth can-i --list (protobuf SelfSubjectRulesReview) lists the rules RBAC grants in the namespace', async () => {
    await ok('-n', 'journey', 'create', 'role', 'lister', '--verb=get,list', '--resource=configmaps', '--resource-name=cfg');
    await ok('-n', 'journey', 'create', 'rolebinding', 'carol-lister', '--role=lister', '--user=carol');
    const carol = await ok('-n', 'journey', 'auth', 'can-i', '--list', '--as=carol');
    assert.match(carol, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n/);
    assert.match(carol, /^configmaps\s+\[\]\s+\[cfg\]\s+\[get list\]$/m);
    assert.match(carol, /^selfsubjectrulesreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    assert.match(carol, /^\s+\[\/healthz\]\s+\[\]\s+\[get\]$/m);
    // the namespace matters: in default carol only has the cluster-wide basic rules
    const elsewhere = await ok('-n', 'default', 'auth', 'can-i', '--list', '--as=carol');
    assert.doesNotMatch(elsewhere, /^configmaps/m);
    // cluster-admin through system:masters
    assert.match(await ok('-n', 'journey', 'auth', 'can-i', '--list'), /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
  });

  test('apply (Strict by default) accepts and stores fields newer than 1.21; an invented field is still rejected', async () => {
    const podSpec = (indent: string): string =>
      `os: {name: linux}
hostUsers: false
schedulingGates: [{name: example.com/wait}]
topologySpreadConstraints:
- {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, minDomains: 2, nodeAffinityPolicy: Honor, nodeTaintsPolicy: Ignore, matchLabelKeys: [pod-template-hash], labelSelector: {matchLabels: {app: newer}}}
initContainers:
- name: proxy
  image: envoy:1
  restartPolicy: Always
  startupProbe: {grpc: {port: 9901, service: health}, terminationGracePeriodSeconds: 5}
containers:
- name: app
  image: nginx:1.27
  resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]
  livenessProbe: {grpc: {port: 8080}}
  lifecycle: {preStop: {sleep: {seconds: 3}}}
`
        .split('\n')
        .map((l) => (l ? indent + l : l))
        .join('\n');
    const manifests = `apiVersion: v1
kind: Pod
metadata: {name: newer, namespace: journey, labels: {app: newer}}
spec:
${podSpec('  ')}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: newer, namespace: journey}
spec:
  selector: {matchLabels: {app: newer}}
  template:
    metadata: {labels: {app: newer}}
    spec:
${podSpec('      ')}---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: newer, namespace: journey}
spec:
  serviceName: newer
  minReadySeconds: 10
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Retain}
  ordinals: {start: 1}
  selector: {matchLabels: {app: newer}}
  template:
    metadata: {labels: {app: newer}}
    spec: {containers: [{name: app, image: nginx:1.27}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: newer, namespace: journey}
spec:
  completionMode: Indexed
  completions: 3
  backoffLimitPerIndex: 1
  maxFailedIndexes: 2
  podReplacementPolicy: Failed
  managedBy: kueue.x-k8s.io/multikueue
  successPolicy: {rules: [{succeededIndexes: "0-1", succeededCount: 1}]}
  podFailurePolicy:
    rules:
    - {action: FailJob, onExitCodes: {containerName: app, operator: In, values: [42]}}
    - {action: Ignore, onPodConditions: [{type: DisruptionTarget}]}
  template:
    spec: {restartPolicy: Never, containers: [{name: app, image: busybox:1}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: newer, namespace: journey}
spec:
  schedule: "0 3 * * *"
  timeZone: Europe/Paris
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: OnFailure, os: {name: linux}, containers: [{name: app, image: busybox:1}]}
`;
    const out = await runTool('kubectl', ['apply', '-f', '-'], { env: session.cluster.env, input: manifests });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stderr, '');
    type Obj = { spec: Record<string, unknown> & { template?: { spec: Record<string, unknown> }; jobTemplate?: { spec: { template: { spec: Record<string, unknown> } } } } };
    const get = async (kind: string): Promise<Obj> => JSON.parse(await ok('-n', 'journey', 'get', kind, 'newer', '-o', 'json')) as Obj;
    const checkPodSpec = (spec: Record<string, unknown> | undefined, what: string): void => {
      const s = spec as { os: unknown; hostUsers: unknown; schedulingGates: unknown; topologySpreadConstraints: Record<string, unknown>[]; initContainers: Record<string, unknown>[]; containers: Record<string, unknown>[] };
      assert.deepEqual(s.os, { name: 'linux' }, what);
      assert.equal(s.hostUsers, false, what);
      assert.deepEqual(s.schedulingGates, [{ name: 'example.com/wait' }], what);
      const tsc = s.topologySpreadConstraints[0] ?? {};
      assert.deepEqual([tsc.minDomains, tsc.nodeAffinityPolicy, tsc.nodeTaintsPolicy, tsc.matchLabelKeys], [2, 'Honor', 'Ignore', ['pod-template-hash']], what);
      assert.equal(s.initContainers[0]?.restartPolicy, 'Always', what);
      assert.deepEqual(s.initContainers[0]?.startupProbe, { grpc: { port: 9901, service: 'health' }, terminationGracePeriodSeconds: 5, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 }, what);
      assert.deepEqual(s.containers[0]?.resizePolicy, [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }], what);
      assert.deepEqual((s.containers[0]?.lifecycle as { preStop: unknown }).preStop, { sleep: { seconds: 3 } }, what);
    };
    checkPodSpec((await get('pod')).spec, 'pod');
    checkPodSpec((await get('deployment')).spec.template?.spec, 'deployment');
    const sts = (await get('statefulset')).spec;
    assert.deepEqual([sts.minReadySeconds, sts.persistentVolumeClaimRetentionPolicy, sts.ordinals], [10, { whenDeleted: 'Delete', whenScaled: 'Retain' }, { start: 1 }]);
    const job = (await get('job')).spec;
    assert.deepEqual([job.backoffLimitPerIndex, job.maxFailedIndexes, job.podReplacementPolicy, job.managedBy], [1, 2, 'Failed', 'kueue.x-k8s.io/multikueue']);
    assert.deepEqual(job.successPolicy, { rules: [{ succeededIndexes: '0-1', succeededCount: 1 }] });
    assert.deepEqual((job.podFailurePolicy as { rules: unknown[] }).rules[0], { action: 'FailJob', onExitCodes: { containerName: 'app', operator: 'In', values: [42] } });
    const cron = (await get('cronjob')).spec;
    assert.equal(cron.timeZone, 'Europe/Paris');
    assert.deepEqual(cron.jobTemplate?.spec.template.spec.os, { name: 'linux' });
    // the served OpenAPI knows them too
    assert.match(await ok('explain', 'pods.spec.schedulingGates'), /FIELD: schedulingGates <\[\]PodSchedulingGate>/);
    // Strict still rejects what no Kubernetes version has, inside the new structures too
    const bad = await runTool('kubectl', ['apply', '-f', '-'], {
      env: session.cluster.env,
      input: 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: invented, namespace: journey}\nspec:\n  schedule: "* * * * *"\n  timeZone: UTC\n  timeZoneDatabase: tzdata\n  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, os: {name: linux, flavor: x}, containers: [{name: a, image: b}]}}}}\n',
    });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown field "spec\.jobTemplate\.spec\.template\.spec\.os\.flavor"/);
    assert.match(bad.stderr, /unknown field "spec\.timeZoneDatabase"/);
  });

  test('Events: one resource in both groups; an events.k8s.io/v1 Event shows in kubectl get events with the real columns', async () => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, '.000000Z');
    const created = await clusterRequest(session.cluster, '/apis/events.k8s.io/v1/namespaces/journey/events', {
      method: 'POST',
      body: {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'hello.reconciled' },
        eventTime: now,
        reportingController: 'kustomize-controller',
        reportingInstance: 'kustomize-controller-0',
        action: 'Reconcile',
        reason: 'ReconciliationSucceeded',
        regarding: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello', namespace: 'journey' },
        note: 'Applied revision: main@sha1:abc',
        type: 'Normal',
      },
    });
    assert.equal(created.status, 201, created.text);
    const table = await ok('-n', 'journey', 'get', 'events');
    assert.match(table, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
    assert.match(table, /^\d+s\s+Normal\s+ReconciliationSucceeded\s+deployment\/hello\s+Applied revision: main@sha1:abc$/m);
    const wide = await ok('-n', 'journey', 'get', 'events', '-o', 'wide', '--field-selector', 'reason=ReconciliationSucceeded');
    assert.match(wide, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME\n/);
    assert.match(wide, /kustomize-controller, kustomize-controller-0\s+Applied revision: main@sha1:abc\s+\d+s\s+0\s+hello\.reconciled\n$/);
    // the core view is converted: involvedObject/message/reportingComponent
    const coreEv = JSON.parse(await ok('-n', 'journey', 'get', 'events', 'hello.reconciled', '-o', 'json')) as Record<string, unknown>;
    assert.deepEqual([coreEv.apiVersion, coreEv.message, coreEv.reportingComponent, (coreEv.involvedObject as { name: string }).name], ['v1', 'Applied revision: main@sha1:abc', 'kustomize-controller', 'hello']);
    assert.equal(coreEv.note, undefined);
    // and a core Event (written by the cluster's simulated controllers) reads through events.k8s.io with note/regarding
    const list = JSON.parse(await ok('-n', 'journey', 'get', 'events.v1.events.k8s.io', '-o', 'json')) as { items: { metadata: { name: string }; note?: string; regarding?: { kind: string }; message?: string }[] };
    const simulated = list.items.find((e) => e.metadata.name !== 'hello.reconciled');
    assert.ok(simulated, 'a core Event from the workload simulation');
    assert.equal(typeof simulated.note, 'string');
    assert.equal(simulated.message, undefined);
    assert.ok(simulated.regarding?.kind);
    assert.ok(list.items.some((e) => e.metadata.name === 'hello.reconciled' && e.note === 'Applied revision: main@sha1:abc'));
  });

  test('CRD create, then get of the new kind with its printer columns', async () => {
    await ok('apply', '-f', file('crd.yaml', crd));
    await ok('apply', '-f', file('gadget.yaml', 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g1, namespace: journey}\nspec: {size: 3}\n'));
    assert.match(await ok('-n', 'journey', 'get', 'gadgets'), /^NAME\s+SIZE\s+AGE\ng1\s+3\s+\S+\n$/);
    assert.match(await ok('-n', 'journey', 'get', 'gd', 'g1', '-o', 'name'), /^gadget\.example\.com\/g1\n$/);
  });

  test('client-certificate kubeconfigs: the CN is the user, O the groups, RBAC decides', async () => {
    const eve = file('eve.kubeconfig', session.cluster.kubeconfigFor({ name: 'eve', groups: ['devs'] }));
    const denied = await runTool('kubectl', ['-n', 'journey', 'get', 'configmaps'], { env: { KUBECONFIG: eve } });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /User "eve" cannot list resource "configmaps" in API group "" in the namespace "journey"/);
    await ok('create', 'rolebinding', 'devs-view', '-n', 'journey', '--clusterrole=view', '--group=devs');
    await eventually(async () => {
      const allowed = await runTool('kubectl', ['-n', 'journey', 'get', 'configmaps', 'cfg', '-o', 'name'], { env: { KUBECONFIG: eve } });
      assert.equal(allowed.stdout.trim(), 'configmap/cfg', allowed.stderr);
    });
  });

  test('the default namespace may not be deleted', async () => {
    const r = await k('delete', 'namespace', 'default');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /namespaces "default" is forbidden: this namespace may not be deleted/);
  });

  test('delete with propagation and of a missing object', async () => {
    assert.equal((await ok('-n', 'journey', 'delete', 'deploy', 'web', '--cascade=foreground')).trim(), 'deployment.apps "web" deleted');
    const missing = await k('-n', 'journey', 'delete', 'deploy', 'web');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /deployments\.apps "web" not found/);
  });
});
