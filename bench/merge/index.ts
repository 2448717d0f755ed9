/**
 * Merge engine throughput: strategic merge patch and server-side apply of a realistic Deployment, against
 * a baseline measured in the same run (structuredClone and a JSON round trip of the same Deployment).
 * Run with `npm run bench -- merge`. Prints ops/s and ratios; single-threaded, so the figures are per core.
 */
import type { JsonObject, KubeObject } from '../../src/kube/object.js';
import { builtinSchemas } from '../../src/kube/schema/index.js';
import type { SchemaNode } from '../../src/kube/schema/types.js';
import { applyStrategicMergePatch } from '../../src/kube/merge/strategic.js';
import { recordUpdate, serverSideApply } from '../../src/kube/merge/ssa/index.js';

const TARGET_SSA_OPS = 20_000;
const POOL = 512;

function container(name: string, image: string): JsonObject {
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    args: ['--port=8080', '--log-level=info', `--name=${name}`],
    ports: [
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ],
    env: [
      { name: 'LOG_FORMAT', value: 'json' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ],
    resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 10 },
    readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
    volumeMounts: [
      { name: 'config', mountPath: '/etc/app' },
      { name: 'tmp', mountPath: '/tmp' },
    ],
    securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
}

function deployment(image: string): KubeObject {
  const labels = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'shop', 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels, annotations: { 'team.example.com/owner': 'web' } },
    spec: {
      replicas: 3,
      revisionHistoryLimit: 5,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'web' }, annotations: { 'prometheus.io/scrape': 'true' } },
        spec: {
          serviceAccountName: 'web',
          containers: [container('web', image), container('sidecar', 'envoy:1.30')],
          volumes: [
            { name: 'config', configMap: { name: 'web-config' } },
            { name: 'tmp', emptyDir: {} },
          ],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
        },
      },
    },
  };
}

function measure(name: string, fn: () => unknown, ms = 1500): number {
  const warmEnd = performance.now() + 300;
  while (performance.now() < warmEnd) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    now = performance.now();
  }
  const ops = (n * 1000) / (now - start);
  console.log(`${name.padEnd(58)} ${Math.round(ops).toString().padStart(9)} ops/s  ${((1e6 / ops) | 0).toString().padStart(5)} µs/op`);
  return ops;
}

function liveDeployment(schema: SchemaNode): KubeObject {
  // flux applies (create), the controller writes status and the revision annotation (Update entries).
  let live = serverSideApply({ live: undefined, applied: deployment('web:1.0.0'), manager: 'kustomize-controller', force: true, schema, now: '2026-01-01T00:00:00Z' }).object;
  const withRevision = structuredClone(live);
  (withRevision.metadata.annotations as Record<string, string>)['deployment.kubernetes.io/revision'] = '1';
  live = recordUpdate({ live, updated: withRevision, manager: 'kube-controller-manager', schema, now: '2026-01-01T00:00:01Z' });
  const withStatus = structuredClone(live);
  withStatus.status = {
    observedGeneration: 1,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-5d" has successfully progressed.' },
    ],
  };
  return recordUpdate({ live, updated: withStatus, manager: 'kube-controller-manager', schema, now: '2026-01-01T00:00:02Z', subresource: 'status' });
}

function main(): void {
  const schema = builtinSchemas().forKind({ group: 'apps', version: 'v1', kind: 'Deployment' });
  if (!schema) throw new Error('no Deployment schema');
  const live = liveDeployment(schema);
  const managers = (live.metadata.managedFields as JsonObject[]).map((e) => `${e.manager as string}/${e.operation as string}${e.subresource ? `/${e.subresource as string}` : ''}`);
  const appliedA = deployment('web:1.0.1');
  const appliedB = deployment('web:1.0.2');
  const patch: JsonObject = {
    metadata: { labels: { 'app.kubernetes.io/version': '1.0.1' } },
    spec: { template: { spec: { containers: [{ name: 'web', image: 'web:1.0.1', env: [{ name: 'LOG_FORMAT', value: 'text' }] }] } } },
  };
  const bytes = JSON.stringify(live).length;
  console.log(`Deployment: ${bytes} bytes of JSON with managedFields from ${managers.join(', ')}`);

  // Sanity: the apply really changes the image and keeps three managers.
  const check = serverSideApply({ live, applied: appliedA, manager: 'kustomize-controller', force: true, schema });
  const img = (((check.object.spec as JsonObject).template as JsonObject).spec as { containers: JsonObject[] }).containers[0]?.image;
  if (img !== 'web:1.0.1' || (check.object.metadata.managedFields as unknown[]).length !== 3) throw new Error('SSA sanity check failed');

  const clone = measure('baseline: structuredClone(Deployment)', () => structuredClone(live));
  const json = measure('baseline: JSON.parse(JSON.stringify(Deployment))', () => JSON.parse(JSON.stringify(live)) as unknown);
  const smp = measure('strategic merge patch (applyStrategicMergePatch)', () => applyStrategicMergePatch(live as unknown as JsonObject, patch, schema));
  // Fresh input objects for every call (cycled through a pool), as the API server parses them per request:
  // no cache keyed by object identity can make repeated calls look cheaper than they are.
  const pool = Array.from({ length: POOL }, (_, i) => ({
    live: structuredClone(live),
    applied: structuredClone(i % 2 ? appliedA : appliedB),
    noopLive: structuredClone(check.object),
    noopApplied: structuredClone(appliedA),
  }));
  let i = 0;
  const ssa = measure('SSA re-apply, changed image, 3 managedFields entries', () => {
    const p = pool[i++ % POOL] as (typeof pool)[number];
    return serverSideApply({ live: p.live, applied: p.applied, manager: 'kustomize-controller', force: false, schema, now: '2026-01-01T00:00:03Z' });
  });
  const noop = measure('SSA re-apply, unchanged (no-op)', () => {
    const p = pool[i++ % POOL] as (typeof pool)[number];
    return serverSideApply({ live: p.noopLive, applied: p.noopApplied, manager: 'kustomize-controller', force: false, schema, now: '2026-01-01T00:00:03Z' });
  });
  console.log('');
  console.log(`ratio SSA / structuredClone:  ${(ssa / clone).toFixed(3)}  (SSA costs ${(clone / ssa).toFixed(1)}x a clone)`);
  console.log(`ratio SSA / JSON round trip:  ${(ssa / json).toFixed(3)}`);
  console.log(`ratio SMP / structuredClone:  ${(smp / clone).toFixed(3)}`);
  console.log(`ratio no-op SSA / SSA:        ${(noop / ssa).toFixed(3)}`);
  console.log(`SSA target ${TARGET_SSA_OPS} ops/s per core: ${ssa >= TARGET_SSA_OPS ? 'met' : 'NOT met'} (${Math.round(ssa)})`);
}

main();
