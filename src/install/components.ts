/**
 * The components manifest: what `lockstep install --export` prints and what `bootstrap` writes to
 * `gotk-components.yaml`. Lockstep's CRDs (from src/api), the controllers' Namespace, ServiceAccounts,
 * RBAC, Deployments and the source-controller Service, named as Flux names them so a cluster can move
 * between Flux and Lockstep. The Deployments run the image built from the repository's Dockerfile.
 */
import { stringify } from 'yaml';
import { allCrds } from '../api/crd.js';
import type { JsonObject } from '../kube/object.js';

/** The components that can be installed, in Flux's names. */
export const componentNames = ['source-controller', 'kustomize-controller'] as const;
export type ComponentName = (typeof componentNames)[number];

/** Options of {@link componentsManifest}. */
export interface ComponentsOptions {
  /** Namespace of the controllers (default flux-system). */
  namespace: string;
  /** Controller image (default `ghcr.io/lockstep/lockstep:v<version>`). */
  image: string;
  /** Version label written on every object. */
  version: string;
  /** Components to deploy (default both). */
  components: readonly string[];
  /** Log level passed to the controllers. */
  logLevel: string;
}

/** Defaults of {@link ComponentsOptions} for a version. */
export function defaultComponentsOptions(version: string): ComponentsOptions {
  return { namespace: 'flux-system', image: `ghcr.io/lockstep/lockstep:v${version}`, version, components: [...componentNames], logLevel: 'info' };
}

/** Labels on every object of the install (Flux's instance/part-of labels, our name). */
export function installLabels(o: ComponentsOptions): Record<string, string> {
  return { 'app.kubernetes.io/instance': o.namespace, 'app.kubernetes.io/part-of': 'lockstep', 'app.kubernetes.io/version': o.version };
}

/** The label selecting every object the install created (uninstall deletes by it). */
export const partOfSelector = 'app.kubernetes.io/part-of=lockstep';

function meta(o: ComponentsOptions, name: string, namespaced: boolean, extra: Record<string, string> = {}): JsonObject {
  return { name, ...(namespaced ? { namespace: o.namespace } : {}), labels: { ...installLabels(o), ...extra } };
}

/** Which `lockstep controllers` flags each component runs with. */
function controllerArgs(o: ComponentsOptions, name: string): string[] {
  const common = ['controllers', '--metrics-addr=:8080', `--log-level=${o.logLevel}`, '--enable-leader-election'];
  if (name === 'source-controller') {
    return [...common, '--only=source', '--storage-dir=/data', '--storage-addr=:9090', `--storage-adv-addr=source-controller.${o.namespace}.svc.cluster.local.`];
  }
  return [...common, '--only=kustomize'];
}

function deployment(o: ComponentsOptions, name: string): JsonObject {
  const args = controllerArgs(o, name);
  const ports: JsonObject[] = [{ containerPort: 8080, name: 'http-prom', protocol: 'TCP' }];
  if (name === 'source-controller') ports.unshift({ containerPort: 9090, name: 'http', protocol: 'TCP' });
  const probe = (path: string): JsonObject => ({ httpGet: { path, port: 'http-prom' } });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(o, name, true, { 'app.kubernetes.io/component': name, 'control-plane': 'controller' }),
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { 'prometheus.io/port': '8080', 'prometheus.io/scrape': 'true' } },
        spec: {
          serviceAccountName: name,
          terminationGracePeriodSeconds: 10,
          securityContext: { fsGroup: 1337 },
          containers: [
            {
              name: 'manager',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              args,
              env: [{ name: 'RUNTIME_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
              ports,
              livenessProbe: probe('/healthz'),
              readinessProbe: probe('/readyz'),
              resources: { limits: { cpu: '1000m', memory: '1Gi' }, requests: { cpu: '50m', memory: '64Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                { name: 'data', mountPath: '/data' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'data', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
}

function rbac(o: ComponentsOptions, sas: readonly string[]): JsonObject[] {
  const subjects = sas.map((name) => ({ kind: 'ServiceAccount', name, namespace: o.namespace }));
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(o, `crd-controller-${o.namespace}`, false),
      rules: [
        { apiGroups: ['source.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io', 'helm.toolkit.fluxcd.io', 'notification.toolkit.fluxcd.io'], resources: ['*'], verbs: ['*'] },
        { apiGroups: [''], resources: ['namespaces', 'secrets', 'configmaps', 'serviceaccounts'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['*'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(o, `crd-controller-${o.namespace}`, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `crd-controller-${o.namespace}` },
      subjects,
    },
    {
      // The kustomize controller applies whatever git holds: cluster-admin, as Flux grants it.
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(o, `cluster-reconciler-${o.namespace}`, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: subjects.filter((s) => s.name === 'kustomize-controller'),
    },
  ];
}

/** Every object of the install, in apply order (CRDs and Namespace first). Throws on an unknown component. */
export function componentsObjects(opts: Partial<ComponentsOptions> & { version: string }): JsonObject[] {
  const o: ComponentsOptions = { ...defaultComponentsOptions(opts.version), ...opts };
  for (const c of o.components) {
    if (!(componentNames as readonly string[]).includes(c)) throw new Error(`unknown component "${c}" (known: ${componentNames.join(', ')})`);
  }
  const crds = allCrds().map((crd) => {
    const m = crd['metadata'] as JsonObject;
    return { ...crd, metadata: { ...m, labels: { ...(m['labels'] as Record<string, string>), ...installLabels(o) } } };
  });
  const out: JsonObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(o, o.namespace, false, { 'pod-security.kubernetes.io/warn': 'restricted' }) },
    ...crds,
  ];
  for (const name of o.components) out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(o, name, true) });
  out.push(...rbac(o, o.components));
  if (o.components.includes('source-controller')) {
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(o, 'source-controller', true, { 'control-plane': 'controller' }),
      spec: { type: 'ClusterIP', selector: { app: 'source-controller' }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }] },
    });
  }
  for (const name of o.components) out.push(deployment(o, name));
  return out;
}

/** Objects as a multi-document YAML stream (`---` before each document), with a header comment. */
export function toYamlStream(objs: readonly JsonObject[], header?: string): string {
  const head = header ? header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n') + '\n' : '';
  return head + objs.map((x) => '---\n' + stringify(x, { lineWidth: 0 })).join('');
}

/** The whole components manifest as YAML. */
export function componentsYaml(opts: Partial<ComponentsOptions> & { version: string }): string {
  return toYamlStream(componentsObjects(opts), `This manifest was generated by lockstep. DO NOT EDIT.\nlockstep version: v${opts.version}\ncomponents: ${(opts.components ?? componentNames).join(',')}`);
}
