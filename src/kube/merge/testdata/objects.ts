/**
 * Base objects for the patch tests (differential tests against kubectl and unit tests). Shapes are
 * realistic and only use fields that exist in the Kubernetes 1.21 schemas.
 */
import type { JsonObject } from '../../object.js';

export const deployment: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    labels: { app: 'web', tier: 'fe' },
    annotations: { 'example.com/owner': 'team-a', note: 'x' },
    finalizers: ['f1', 'f2'],
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: 'web' }, annotations: { 'prometheus.io/scrape': 'true' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.25',
            args: ['--a', '--b'],
            ports: [
              { containerPort: 80, name: 'http' },
              { containerPort: 443, name: 'https', protocol: 'TCP' },
            ],
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
              { name: 'C', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            ],
            volumeMounts: [
              { name: 'data', mountPath: '/data' },
              { name: 'cfg', mountPath: '/etc/cfg', readOnly: true },
            ],
            resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '100m' } },
          },
          { name: 'sidecar', image: 'busybox:1', command: ['sh', '-c', 'sleep 3600'] },
        ],
        initContainers: [{ name: 'init', image: 'busybox:1', command: ['true'] }],
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'cfg', configMap: { name: 'cfg' } },
        ],
        tolerations: [
          { key: 'k1', operator: 'Exists' },
          { key: 'k2', operator: 'Equal', value: 'v', effect: 'NoSchedule' },
        ],
        imagePullSecrets: [{ name: 'reg1' }, { name: 'reg2' }],
        nodeSelector: { disk: 'ssd' },
      },
    },
  },
};

export const statefulSet: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', labels: { app: 'db' } },
  spec: {
    serviceName: 'db',
    replicas: 3,
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    selector: { matchLabels: { app: 'db' } },
    template: {
      metadata: { labels: { app: 'db' } },
      spec: {
        containers: [
          {
            name: 'db',
            image: 'postgres:15',
            ports: [{ containerPort: 5432, name: 'pg' }],
            volumeMounts: [{ name: 'pgdata', mountPath: '/var/lib/postgresql' }],
            env: [{ name: 'PGDATA', value: '/var/lib/postgresql/data' }],
          },
        ],
      },
    },
    volumeClaimTemplates: [
      { metadata: { name: 'pgdata' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    ],
  },
};

export const service: JsonObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    type: 'ClusterIP',
    selector: { app: 'web', tier: 'fe' },
    ports: [
      { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
    ],
    externalIPs: ['10.0.0.1'],
    sessionAffinity: 'None',
  },
};

export const pod: JsonObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'p' } },
  spec: {
    containers: [
      { name: 'main', image: 'alpine:3', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 8080 }] },
    ],
    hostAliases: [{ ip: '10.0.0.1', hostnames: ['a.local'] }],
    topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }],
    dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] },
    tolerations: [{ key: 'k', operator: 'Exists' }],
    securityContext: { runAsUser: 1000, fsGroup: 2000 },
  },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }, { type: 'Initialized', status: 'True' }] },
};

export const configMap: JsonObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'default' },
  data: { 'app.conf': 'x=1', mode: 'prod' },
};

export const role: JsonObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name: 'reader', namespace: 'default' },
  rules: [
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
  ],
};

export const clusterRole: JsonObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'agg', labels: { 'rbac.example.com/aggregate': 'true' } },
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-agg': 'true' } }] },
  rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
};

export const ingress: JsonObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } },
  spec: {
    ingressClassName: 'nginx',
    tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }],
    rules: [
      {
        host: 'a.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
      },
    ],
  },
};

/** A custom resource: kubectl (and the API server) only take merge and JSON patches for these. */
export const widget: JsonObject = {
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', labels: { a: '1' } },
  spec: { size: 3, tags: ['x', 'y'], parts: [{ name: 'p1', qty: 1 }], nested: { a: { b: 1 }, keep: true } },
};

/** A Deployment carrying a field the schema does not know (`spec.extra`). */
export const deploymentWithUnknown: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'odd' },
  spec: { replicas: 1, extra: { a: 1 }, extraList: ['a'], selector: { matchLabels: { app: 'odd' } } },
};

/** A Pod whose lists hold duplicates (as real, hand-edited objects sometimes do). */
export const podWithDuplicates: JsonObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'dup', finalizers: ['a', 'b', 'a', 'c'] },
  spec: {
    containers: [
      {
        name: 'm',
        image: 'i',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
          { name: 'A', value: '3' },
          { name: 'C', value: '4' },
        ],
      },
    ],
  },
};

export const bases = {
  deployment,
  statefulSet,
  service,
  pod,
  configMap,
  role,
  clusterRole,
  ingress,
  widget,
  deploymentWithUnknown,
  podWithDuplicates,
} as const;
export type BaseName = keyof typeof bases;
