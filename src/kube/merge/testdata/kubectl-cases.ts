/**
 * The differential table: each case is patched by the real kubectl (`kubectl patch --local`) and by
 * us, and the two outcomes must match (same object, or both an error). Cases marked `stricter` are
 * known, deliberate divergences where kubectl accepts and we reject (with that MergeError code).
 */
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../object.js';
import { MergeErrorCode } from '../errors.js';
import type { BaseName } from './objects.js';

export interface KubectlCase {
  name: string;
  type: 'strategic' | 'merge' | 'json';
  /** A named base object, or an inline one. */
  base: BaseName | JsonObject;
  patch: JsonValue;
  /** We reject with this code where kubectl accepts (RFC strictness, schema type checks). */
  stricter?: MergeErrorCode;
  /** JSON patch rows only compared in `compat: 'kubernetes'` mode (the RFC says otherwise). */
  kubernetesOnly?: boolean;
}

const tpl = (spec: JsonObject): JsonObject => ({ spec: { template: { spec } } });
const ctr = (...containers: JsonValue[]): JsonObject => tpl({ containers });
const app = (fields: JsonObject): JsonObject => ctr({ name: 'app', ...fields });
const meta = (m: JsonObject): JsonObject => ({ metadata: m });
const sts = (spec: JsonObject): JsonObject => ({ spec: { template: { spec } } });

type Row = [name: string, base: BaseName, patch: JsonValue, stricter?: MergeErrorCode | 'kubernetes-only'];

const strategicRows: Row[] = [
  // containers (merge key name)
  ['container image update', 'deployment', app({ image: 'nginx:1.26' })],
  ['container added', 'deployment', ctr({ name: 'new', image: 'x' })],
  ['container added before existing', 'deployment', ctr({ name: 'new', image: 'x' }, { name: 'app', image: 'y' })],
  ['existing then new', 'deployment', ctr({ name: 'sidecar', image: 'b2' }, { name: 'new', image: 'x' })],
  ['two new around existing', 'deployment', ctr({ name: 'n1' }, { name: 'sidecar', image: 's' }, { name: 'n2' })],
  ['patch order reverses existing', 'deployment', ctr({ name: 'sidecar', image: 's' }, { name: 'app', image: 'a' })],
  ['container deleted', 'deployment', ctr({ name: 'sidecar', $patch: 'delete' })],
  ['delete missing container', 'deployment', ctr({ name: 'nope', $patch: 'delete' })],
  ['delete and add', 'deployment', ctr({ name: 'app', $patch: 'delete' }, { name: 'z', image: 'z' })],
  ['container list replaced', 'deployment', ctr({ name: 'only', image: 'z' }, { $patch: 'replace' })],
  ['replace marker first', 'deployment', ctr({ $patch: 'replace' }, { name: 'only', image: 'z' })],
  ['container $patch merge item', 'deployment', ctr({ name: 'app', $patch: 'merge' })],
  ['container unknown $patch item', 'deployment', ctr({ name: 'app', $patch: 'bogus' })],
  ['container delete without key', 'deployment', ctr({ $patch: 'delete' })],
  ['container without merge key', 'deployment', ctr({ image: 'x' })],
  ['empty patch list keeps containers', 'deployment', ctr()],
  ['null in merge list', 'deployment', ctr(null)],
  ['container resources null', 'deployment', app({ resources: null })],
  ['container limits memory removed', 'deployment', app({ resources: { limits: { memory: null } } })],
  ['container requests replaced', 'deployment', app({ resources: { requests: { $patch: 'replace', memory: '1Gi' } } })],
  ['container resources deleted by directive', 'deployment', app({ resources: { $patch: 'delete' } })],
  ['args replaced (no merge strategy)', 'deployment', app({ args: ['--c'] })],
  ['args emptied', 'deployment', app({ args: [] })],
  ['command removed', 'deployment', ctr({ name: 'sidecar', command: null })],
  ['new container keeps nulls verbatim', 'deployment', ctr({ name: 'c', image: null, env: [{ name: 'x', $patch: 'delete' }] })],
  ['new securityContext drops nulls', 'deployment', app({ securityContext: { runAsUser: 1, privileged: null } })],
  ['unknown container field added', 'deployment', app({ foo: { x: 1 } })],
  ['duplicate new items in patch', 'deployment', ctr({ name: 'n', image: 'a' }, { name: 'n', image: 'b' })],
  ['initContainer updated', 'deployment', tpl({ initContainers: [{ name: 'init', image: 'busybox:2' }] })],
  ['initContainer added', 'deployment', tpl({ initContainers: [{ name: 'init2', image: 'x' }] })],
  // env (merge key name)
  ['env update and add', 'deployment', app({ env: [{ name: 'B', value: '20' }, { name: 'D', value: '4' }] })],
  ['env delete', 'deployment', app({ env: [{ name: 'A', $patch: 'delete' }] })],
  ['env valueFrom to value', 'deployment', app({ env: [{ name: 'C', value: 'x', valueFrom: null }] })],
  ['env order set', 'deployment', app({ '$setElementOrder/env': [{ name: 'C' }, { name: 'B' }, { name: 'A' }] })],
  ['env new first', 'deployment', app({ env: [{ name: 'Z', value: 'z' }, { name: 'A', value: 'a' }] })],
  ['env interleaved', 'deployment', app({ env: [{ name: 'C', value: 'c' }, { name: 'N', value: 'n' }, { name: 'A', value: 'a' }] })],
  ['env last then new', 'deployment', app({ env: [{ name: 'C', value: 'c' }, { name: 'N', value: 'n' }] })],
  ['env middle new middle', 'deployment', app({ env: [{ name: 'B', value: 'b' }, { name: 'M', value: 'm' }] })],
  ['env replaced', 'deployment', app({ env: [{ name: 'Q', value: 'q' }, { $patch: 'replace' }] })],
  ['env setElementOrder with add', 'deployment', app({ '$setElementOrder/env': [{ name: 'A' }, { name: 'N' }, { name: 'B' }, { name: 'C' }], env: [{ name: 'N', value: 'n' }] })],
  ['env setElementOrder partial', 'deployment', app({ '$setElementOrder/env': [{ name: 'C' }, { name: 'A' }] })],
  ['env setElementOrder with delete', 'deployment', app({ '$setElementOrder/env': [{ name: 'C' }, { name: 'A' }], env: [{ name: 'B', $patch: 'delete' }] })],
  ['env setElementOrder mismatch', 'deployment', app({ '$setElementOrder/env': [{ name: 'A' }, { name: 'N' }], env: [{ name: 'N', value: 'n' }, { name: 'A', value: 'a' }] })],
  ['env setElementOrder missing key', 'deployment', app({ '$setElementOrder/env': [{ value: 'x' }], env: [{ name: 'A', value: 'a' }] })],
  // ports (merge key containerPort)
  ['port renamed', 'deployment', app({ ports: [{ containerPort: 443, name: 'tls' }] })],
  ['port added', 'deployment', app({ ports: [{ containerPort: 8080 }] })],
  ['port deleted', 'deployment', app({ ports: [{ containerPort: 80, $patch: 'delete' }] })],
  ['port key as string does not match', 'deployment', app({ ports: [{ containerPort: '80', name: 'x' }] })],
  ['port protocol removed', 'deployment', app({ ports: [{ containerPort: 443, protocol: null }] })],
  ['ports reordered by setElementOrder', 'deployment', app({ '$setElementOrder/ports': [{ containerPort: 443 }, { containerPort: 80 }] })],
  // volumeMounts (merge key mountPath)
  ['volumeMount added', 'deployment', app({ volumeMounts: [{ name: 'logs', mountPath: '/logs' }] })],
  ['volumeMount same name new path', 'deployment', app({ volumeMounts: [{ name: 'data', mountPath: '/data2' }] })],
  ['volumeMount deleted by path', 'deployment', app({ volumeMounts: [{ mountPath: '/etc/cfg', $patch: 'delete' }] })],
  ['volumeMount readOnly dropped', 'deployment', app({ volumeMounts: [{ mountPath: '/etc/cfg', readOnly: null }] })],
  ['volumeMount keyed by name is missing key', 'deployment', app({ volumeMounts: [{ name: 'data', readOnly: true }] })],
  // volumes (merge key name, retainKeys)
  ['volume added', 'deployment', tpl({ volumes: [{ name: 'sec', secret: { secretName: 's' } }] })],
  ['volume source switched with retainKeys', 'deployment', tpl({ volumes: [{ name: 'data', hostPath: { path: '/x' }, $retainKeys: ['hostPath', 'name'] }] })],
  ['volume source added without retainKeys', 'deployment', tpl({ volumes: [{ name: 'data', hostPath: { path: '/x' } }] })],
  ['volume source swapped with null', 'deployment', tpl({ volumes: [{ name: 'data', emptyDir: null, hostPath: { path: '/y' } }] })],
  ['volume deleted', 'deployment', tpl({ volumes: [{ name: 'cfg', $patch: 'delete' }] })],
  ['volumes replaced', 'deployment', tpl({ volumes: [{ name: 'v', emptyDir: {} }, { $patch: 'replace' }] })],
  ['volume retainKeys omits patched key', 'deployment', tpl({ volumes: [{ name: 'data', hostPath: { path: '/x' }, $retainKeys: ['name'] }] })],
  ['volume retainKeys not a list', 'deployment', tpl({ volumes: [{ name: 'data', $retainKeys: 'name' }] })],
  ['volume configMap items added', 'deployment', tpl({ volumes: [{ name: 'cfg', configMap: { items: [{ key: 'a', path: 'a' }] } }] })],
  // tolerations (no strategy: replaced)
  ['tolerations replaced', 'deployment', tpl({ tolerations: [{ key: 'k3', operator: 'Exists' }] })],
  ['tolerations removed', 'deployment', tpl({ tolerations: null })],
  ['tolerations emptied', 'deployment', tpl({ tolerations: [] })],
  ['tolerations keep directives verbatim', 'deployment', tpl({ tolerations: [{ key: 'b', $patch: 'delete' }, { key: 'c', effect: null }] })],
  ['tolerations setElementOrder', 'deployment', tpl({ '$setElementOrder/tolerations': [{ key: 'k2' }, { key: 'k1' }] })],
  // imagePullSecrets (merge key name)
  ['pull secret added', 'deployment', tpl({ imagePullSecrets: [{ name: 'reg3' }] })],
  ['pull secret deleted', 'deployment', tpl({ imagePullSecrets: [{ name: 'reg1', $patch: 'delete' }] })],
  ['pull secrets reordered', 'deployment', tpl({ '$setElementOrder/imagePullSecrets': [{ name: 'reg2' }, { name: 'reg1' }] })],
  ['pull secret added in order', 'deployment', tpl({ '$setElementOrder/imagePullSecrets': [{ name: 'reg1' }, { name: 'reg3' }, { name: 'reg2' }], imagePullSecrets: [{ name: 'reg3' }] })],
  ['pull secret duplicate in patch', 'deployment', tpl({ imagePullSecrets: [{ name: 'reg3' }, { name: 'reg3' }] })],
  // maps
  ['nodeSelector add and delete', 'deployment', tpl({ nodeSelector: { disk: null, zone: 'a' } })],
  ['nodeSelector replaced', 'deployment', tpl({ nodeSelector: { $patch: 'replace', zone: 'b' } })],
  ['nodeSelector deleted by directive', 'deployment', tpl({ nodeSelector: { $patch: 'delete' } })],
  ['new map with $patch dropped', 'deployment', tpl({ affinity: { $patch: 'replace', nodeAffinity: {} } })],
  ['affinity added with nulls', 'deployment', tpl({ affinity: { nodeAffinity: null, podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'k', labelSelector: { matchLabels: { a: 'b' } } }] } } })],
  ['unknown map $patch', 'deployment', { spec: { $patch: 'merge' } }],
  ['template metadata deleted', 'deployment', { spec: { template: { metadata: { $patch: 'delete' } } } }],
  ['whole object replaced', 'deployment', { $patch: 'replace', apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }],
  ['replace keeps nested directives', 'deployment', tpl({ $patch: 'replace', containers: [{ name: 'a', $patch: 'delete' }], x: null })],
  // strategy (retainKeys)
  ['strategy retainKeys', 'deployment', { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } }],
  ['strategy retainKeys drops unlisted', 'deployment', { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }],
  ['strategy retainKeys missing patched key', 'deployment', { spec: { strategy: { $retainKeys: ['rollingUpdate'], type: 'Recreate' } } }],
  ['strategy retainKeys with object entry', 'deployment', { spec: { strategy: { $retainKeys: [{ a: 1 }] } } }],
  ['strategy retainKeys on new map kept verbatim', 'statefulSet', { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', x: null } } }],
  ['strategy type only', 'deployment', { spec: { strategy: { type: 'Recreate' } } }],
  ['rollingUpdate tuned', 'deployment', { spec: { strategy: { rollingUpdate: { maxSurge: '25%' } } } }],
  // scalars and metadata
  ['replicas removed', 'deployment', { spec: { replicas: null } }],
  ['replicas changed', 'deployment', { spec: { replicas: 5 } }],
  ['labels add and delete', 'deployment', meta({ labels: { tier: null, env: 'prod' } })],
  ['annotation with slash removed', 'deployment', meta({ annotations: { 'example.com/owner': null } })],
  ['annotations replaced', 'deployment', meta({ annotations: { $patch: 'replace', only: 'one' } })],
  ['finalizers unioned', 'deployment', meta({ finalizers: ['f3', 'f1'] })],
  ['finalizers union keeps existing order', 'deployment', meta({ finalizers: ['f2', 'f3'] })],
  ['finalizer deleted', 'deployment', meta({ '$deleteFromPrimitiveList/finalizers': ['f1'] })],
  ['finalizer deleted and added', 'deployment', meta({ '$deleteFromPrimitiveList/finalizers': ['f1'], finalizers: ['f9'] })],
  ['finalizer delete list malformed', 'deployment', meta({ $deleteFromPrimitiveListfinalizers: ['f1'] })],
  ['finalizers reordered', 'deployment', meta({ '$setElementOrder/finalizers': ['f2', 'f1'] })],
  ['finalizers reordered with add', 'deployment', meta({ '$setElementOrder/finalizers': ['f2', 'f3', 'f1'], finalizers: ['f3'] })],
  ['finalizers order not a list', 'deployment', meta({ '$setElementOrder/finalizers': 'f1' })],
  ['finalizers order mismatch', 'deployment', meta({ '$setElementOrder/finalizers': ['f1'], finalizers: ['f3'] })],
  ['finalizers removed', 'deployment', meta({ finalizers: null })],
  ['finalizers duplicate in patch', 'deployment', meta({ finalizers: ['f3', 'f3'] })],
  ['finalizers mixed types', 'deployment', meta({ finalizers: [1] })],
  ['setElementOrder on unknown field', 'deployment', tpl({ '$setElementOrder/bogus': [{ name: 'a' }] })],
  ['setElementOrder on a map field', 'deployment', tpl({ '$setElementOrder/nodeSelector': ['a'] })],
  ['unknown directive key kept', 'deployment', meta({ $foo: 'bar' })],
  // schema type checks (kubectl replaces, the API server would fail to decode)
  ['args given a map', 'deployment', app({ args: { x: 1 } }), MergeErrorCode.typeMismatch],
  ['labels given a list', 'deployment', { spec: { template: { metadata: { labels: ['a'] } } } }, MergeErrorCode.typeMismatch],
  ['replicas given a map', 'deployment', { spec: { replicas: { a: 1 } } }, MergeErrorCode.typeMismatch],
  ['containers given a map', 'deployment', tpl({ containers: { name: 'x' } }), MergeErrorCode.typeMismatch],
  ['new container with bad env', 'deployment', ctr({ name: 'n', env: { A: '1' } }), MergeErrorCode.typeMismatch],
  // unknown fields: kubectl's struct lookup rejects merging maps/lists into them
  ['unknown map field merged', 'deploymentWithUnknown', { spec: { extra: { b: 2 } } }],
  ['unknown list field merged', 'deploymentWithUnknown', { spec: { extraList: ['b'] } }],
  ['unknown scalar field set', 'deploymentWithUnknown', { spec: { extra2: 'x' } }],
  ['unknown field deleted', 'deploymentWithUnknown', { spec: { extra: null } }],
  // StatefulSet
  ['sts image update', 'statefulSet', sts({ containers: [{ name: 'db', image: 'postgres:16' }] })],
  ['sts claim templates replaced', 'statefulSet', { spec: { volumeClaimTemplates: [{ metadata: { name: 'other' }, spec: { accessModes: ['ReadWriteMany'] } }] } }],
  ['sts partition changed', 'statefulSet', { spec: { updateStrategy: { rollingUpdate: { partition: 2 } } } }],
  ['sts update strategy OnDelete', 'statefulSet', { spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null } } }],
  ['sts env appended', 'statefulSet', sts({ containers: [{ name: 'db', env: [{ name: 'X', value: '1' }] }] })],
  ['sts mount added', 'statefulSet', sts({ containers: [{ name: 'db', volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }] })],
  ['sts order of non-merge list', 'statefulSet', { spec: { '$setElementOrder/volumeClaimTemplates': [{ metadata: { name: 'pgdata' } }] } }],
  ['sts delete list on map list merges', 'statefulSet', sts({ '$deleteFromPrimitiveList/containers': [{ name: 'db', image: 'zz' }] })],
  ['sts podManagementPolicy', 'statefulSet', { spec: { podManagementPolicy: 'Parallel', serviceName: 'db2' } }],
  // Service (ports merge key port)
  ['svc targetPort changed', 'service', { spec: { ports: [{ port: 80, targetPort: 9090 }] } }],
  ['svc port added', 'service', { spec: { ports: [{ name: 'metrics', port: 9100 }] } }],
  ['svc port added first', 'service', { spec: { ports: [{ name: 'metrics', port: 9100 }, { port: 80, name: 'web' }] } }],
  ['svc UDP port merges by port', 'service', { spec: { ports: [{ port: 443, protocol: 'UDP' }] } }],
  ['svc port deleted', 'service', { spec: { ports: [{ port: 443, $patch: 'delete' }] } }],
  ['svc ports reordered', 'service', { spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 80 }] } }],
  ['svc selector replaced', 'service', { spec: { selector: { $patch: 'replace', app: 'api' } } }],
  ['svc selector removed', 'service', { spec: { selector: null } }],
  ['svc type NodePort', 'service', { spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } }],
  ['svc externalIPs replaced', 'service', { spec: { externalIPs: ['10.0.0.2', '10.0.0.3'] } }],
  ['svc sessionAffinity removed', 'service', { spec: { sessionAffinity: null } }],
  ['svc port without key', 'service', { spec: { ports: [{ name: 'x', targetPort: 1 }] } }],
  // Pod
  ['pod env added', 'pod', { spec: { containers: [{ name: 'main', env: [{ name: 'Y', value: '2' }] }] } }],
  ['pod container added', 'pod', { spec: { containers: [{ name: 'debug', image: 'busybox' }] } }],
  ['pod hostAlias merged by ip', 'pod', { spec: { hostAliases: [{ ip: '10.0.0.1', hostnames: ['b.local'] }] } }],
  ['pod hostAlias added', 'pod', { spec: { hostAliases: [{ ip: '10.0.0.2', hostnames: ['c.local'] }] } }],
  ['pod spread constraint merged', 'pod', { spec: { topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 2 }] } }],
  ['pod spread constraint added', 'pod', { spec: { topologySpreadConstraints: [{ topologyKey: 'host', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' }] } }],
  ['pod dns options replaced', 'pod', { spec: { dnsConfig: { options: [{ name: 'timeout', value: '1' }] } } }],
  ['pod securityContext merged', 'pod', { spec: { securityContext: { runAsUser: null, runAsNonRoot: true } } }],
  ['pod condition merged by type', 'pod', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }],
  ['pod condition added', 'pod', { status: { conditions: [{ type: 'PodScheduled', status: 'True' }] } }],
  ['pod tolerations appended? no: replaced', 'pod', { spec: { tolerations: [{ key: 'x', operator: 'Exists' }] } }],
  ['pod port added', 'pod', { spec: { containers: [{ name: 'main', ports: [{ containerPort: 9090, name: 'm' }] }] } }],
  // ConfigMap
  ['cm data key added and removed', 'configMap', { data: { mode: null, extra: 'y' } }],
  ['cm data replaced', 'configMap', { data: { $patch: 'replace', only: '1' } }],
  ['cm binaryData added', 'configMap', { binaryData: { b: 'AAEC' } }],
  ['cm immutable', 'configMap', { immutable: true }],
  ['cm labels added without nulls', 'configMap', meta({ labels: { a: 'b', c: null } })],
  ['cm delete list on missing field', 'configMap', meta({ '$deleteFromPrimitiveList/finalizers': ['x'] })],
  ['cm order of missing lists', 'configMap', meta({ '$setElementOrder/finalizers': ['x'] })],
  ['cm finalizers added with order', 'configMap', meta({ '$setElementOrder/finalizers': ['b', 'a'], finalizers: ['b', 'a'] })],
  ['cm data deleted', 'configMap', { data: { $patch: 'delete' } }],
  // RBAC (rules: no strategy)
  ['role rules replaced', 'role', { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] }],
  ['role rules emptied', 'role', { rules: [] }],
  ['role rules removed', 'role', { rules: null }],
  ['role rule item directives verbatim', 'role', { rules: [{ apiGroups: [''], $patch: 'delete' }] }],
  ['role rules ordered (no merge key)', 'role', { '$setElementOrder/rules': [{ verbs: ['get'] }] }],
  ['clusterrole selectors replaced', 'clusterRole', { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } }],
  ['clusterrole aggregation removed', 'clusterRole', { aggregationRule: null }],
  ['clusterrole rules replaced', 'clusterRole', { rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] }],
  // Ingress
  ['ingress rules replaced', 'ingress', { spec: { rules: [{ host: 'b.example.com' }] } }],
  ['ingress tls removed', 'ingress', { spec: { tls: null } }],
  ['ingress class changed', 'ingress', { spec: { ingressClassName: 'traefik' } }],
  ['ingress default backend set', 'ingress', { spec: { defaultBackend: { service: { name: 'd', port: { number: 80 } } } } }],
  ['ingress annotations merged', 'ingress', meta({ annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': null, a: 'b' } })],
  ['new map keeps $setElementOrder verbatim', 'deployment', tpl({ affinity: { podAntiAffinity: { '$setElementOrder/preferredDuringSchedulingIgnoredDuringExecution': [] } } })],
  ['new container keeps directives verbatim', 'deployment', ctr({ name: 'n', '$setElementOrder/env': [{ name: 'A' }], env: [{ name: 'A', value: '1' }] })],
  ['merged container env order and delete list', 'deployment', app({ '$setElementOrder/env': [{ name: 'C' }, { name: 'A' }], env: [{ name: 'B', $patch: 'delete' }], '$deleteFromPrimitiveList/args': ['--a'] })],
  ['retainKeys on a merged list item', 'deployment', tpl({ volumes: [{ name: 'cfg', $retainKeys: ['name', 'secret'], secret: { secretName: 'x' } }] })],
  ['retainKeys with null values', 'deployment', { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null, other: null } } }],
  // lists holding duplicates
  ['dup env merged', 'podWithDuplicates', { spec: { containers: [{ name: 'm', env: [{ name: 'A', value: 'x' }] }] } }],
  ['dup env added around', 'podWithDuplicates', { spec: { containers: [{ name: 'm', env: [{ name: 'N1' }, { name: 'C' }, { name: 'N2' }, { name: 'A' }] }] } }],
  ['dup env deleted', 'podWithDuplicates', { spec: { containers: [{ name: 'm', env: [{ name: 'A', $patch: 'delete' }] }] } }],
  ['dup env ordered', 'podWithDuplicates', { spec: { containers: [{ name: 'm', '$setElementOrder/env': [{ name: 'C' }, { name: 'A' }, { name: 'B' }] }] } }],
  ['dup env twice in patch', 'podWithDuplicates', { spec: { containers: [{ name: 'm', env: [{ name: 'B', value: 'x' }, { name: 'B', value: 'y' }] }] } }],
  ['dup finalizers unioned', 'podWithDuplicates', meta({ finalizers: ['d', 'a'] })],
  ['dup finalizers ordered', 'podWithDuplicates', meta({ '$setElementOrder/finalizers': ['c', 'b', 'a'] })],
  ['dup finalizers deleted', 'podWithDuplicates', meta({ '$deleteFromPrimitiveList/finalizers': ['a'] })],
  // custom resources: strategic merge is refused
  ['CR strategic refused', 'widget', { spec: { size: 4 } }],
];

const mergeRows: Row[] = [
  ['merge replaces containers', 'deployment', ctr({ name: 'only', image: 'z' })],
  ['merge deletes label', 'deployment', meta({ labels: { tier: null } })],
  ['merge nested nulls dropped from new maps', 'deployment', tpl({ affinity: { nodeAffinity: null, podAffinity: {} } })],
  ['merge replicas', 'deployment', { spec: { replicas: 9 } }],
  ['merge finalizers replaced', 'deployment', meta({ finalizers: ['z'] })],
  ['merge keeps $patch as data', 'deployment', meta({ annotations: { $patch: 'delete' } })],
  ['merge empty patch', 'deployment', {}],
  ['merge array patch refused', 'deployment', [1]],
  ['merge string patch refused', 'deployment', 'x'],
  ['merge cm data', 'configMap', { data: { mode: null, n: 'v' } }],
  ['merge cm metadata removed', 'configMap', { metadata: null }],
  ['merge svc ports replaced', 'service', { spec: { ports: [{ port: 1 }] } }],
  ['merge CR spec', 'widget', { spec: { size: 4, nested: { a: { c: 2 } } } }],
  ['merge CR list replaced', 'widget', { spec: { tags: ['z'] } }],
  ['merge CR nulls', 'widget', { spec: { nested: null, parts: null } }],
  ['merge CR new nested with nulls', 'widget', { status: { x: null, y: { z: null, w: 1 } } }],
  ['merge CR label', 'widget', meta({ labels: { b: '2' } })],
  ['merge role rules', 'role', { rules: [] }],
  ['merge ingress tls', 'ingress', { spec: { tls: [{ hosts: ['x'] }] } }],
  ['merge type change map to scalar', 'widget', { spec: { nested: 'flat' } }],
];

const jsonRows: Row[] = [
  ['json add label', 'deployment', [{ op: 'add', path: '/metadata/labels/env', value: 'prod' }]],
  ['json escaped key', 'deployment', [{ op: 'replace', path: '/metadata/annotations/example.com~1owner', value: 'b' }]],
  ['json append container', 'deployment', [{ op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'x', image: 'x' } }]],
  ['json insert container', 'deployment', [{ op: 'add', path: '/spec/template/spec/containers/0', value: { name: 'x', image: 'x' } }]],
  ['json remove env', 'deployment', [{ op: 'remove', path: '/spec/template/spec/containers/0/env/1' }]],
  ['json replace image', 'deployment', [{ op: 'replace', path: '/spec/template/spec/containers/1/image', value: 'b:2' }]],
  ['json test then replace', 'deployment', [{ op: 'test', path: '/spec/replicas', value: 2 }, { op: 'replace', path: '/spec/replicas', value: 3 }]],
  ['json test fails', 'deployment', [{ op: 'test', path: '/spec/replicas', value: 3 }, { op: 'replace', path: '/spec/replicas', value: 4 }]],
  ['json test object', 'deployment', [{ op: 'test', path: '/spec/selector', value: { matchLabels: { app: 'web' } } }]],
  ['json move volume', 'deployment', [{ op: 'move', from: '/spec/template/spec/volumes/0', path: '/spec/template/spec/volumes/1' }]],
  ['json copy label', 'deployment', [{ op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copy' }]],
  ['json copy container', 'deployment', [{ op: 'copy', from: '/spec/template/spec/containers/0', path: '/spec/template/spec/containers/-' }]],
  ['json move into own child', 'deployment', [{ op: 'move', from: '/spec', path: '/spec/x' }]],
  ['json remove missing', 'deployment', [{ op: 'remove', path: '/spec/nope' }]],
  ['json add to missing parent', 'deployment', [{ op: 'add', path: '/spec/nope/x', value: 1 }]],
  ['json index out of bounds', 'deployment', [{ op: 'add', path: '/metadata/finalizers/5', value: 'x' }]],
  ['json add at end index', 'deployment', [{ op: 'add', path: '/metadata/finalizers/2', value: 'x' }]],
  ['json unknown op', 'deployment', [{ op: 'bogus', path: '/spec' }]],
  ['json not an array', 'deployment', { op: 'add', path: '/x', value: 1 }],
  ['json empty patch', 'deployment', []],
  ['json remove container field', 'deployment', [{ op: 'remove', path: '/spec/template/spec/containers/0/resources' }]],
  ['json cm data', 'configMap', [{ op: 'add', path: '/data/new', value: 'v' }, { op: 'remove', path: '/data/mode' }]],
  ['json cm key "-" in a map', 'configMap', [{ op: 'add', path: '/data/-', value: 'dash' }]],
  ['json CR tag appended', 'widget', [{ op: 'add', path: '/spec/tags/-', value: 'z' }]],
  ['json CR part qty', 'widget', [{ op: 'replace', path: '/spec/parts/0/qty', value: 7 }]],
  ['json CR move nested', 'widget', [{ op: 'move', from: '/spec/nested/a', path: '/spec/moved' }]],
  ['json CR replace spec', 'widget', [{ op: 'replace', path: '/spec', value: { size: 1 } }]],
  ['json role verbs', 'role', [{ op: 'add', path: '/rules/0/verbs/-', value: 'watch' }]],
  ['json svc port removed', 'service', [{ op: 'remove', path: '/spec/ports/0' }]],
  ['json replace past end', 'deployment', [{ op: 'replace', path: '/metadata/finalizers/2', value: 'x' }]],
  // kubectl's json-patch library is laxer than RFC 6902 here; we follow the RFC
  ['json replace missing member', 'configMap', [{ op: 'replace', path: '/data/zz', value: '1' }], MergeErrorCode.pathNotFound],
  ['json test missing is null', 'configMap', [{ op: 'test', path: '/data/zz', value: null }], MergeErrorCode.pathNotFound],
  ['json leading zero index', 'widget', [{ op: 'add', path: '/spec/tags/01', value: 'q' }], MergeErrorCode.invalidPatch],
  ['json negative index', 'widget', [{ op: 'add', path: '/spec/tags/-1', value: 'q' }], MergeErrorCode.invalidPatch],
  ['json add without value', 'configMap', [{ op: 'add', path: '/data/q' }], MergeErrorCode.invalidPatch],
  ['json path without slash', 'configMap', [{ op: 'add', path: 'data/x', value: '1' }], MergeErrorCode.invalidPatch],
  ['json copy of a missing member', 'configMap', [{ op: 'copy', from: '/data/nope', path: '/data/x' }], MergeErrorCode.pathNotFound],
  ['json negative indices', 'widget', [{ op: 'remove', path: '/spec/tags/-1' }, { op: 'replace', path: '/spec/tags/-1', value: 9 }, { op: 'add', path: '/spec/tags/-2', value: 7 }], MergeErrorCode.invalidPatch],
  ['json signed and padded indices', 'widget', [{ op: 'add', path: '/spec/tags/+1', value: 5 }, { op: 'remove', path: '/spec/tags/00' }], MergeErrorCode.invalidPatch],
  ['json bad escape kept literally', 'configMap', [{ op: 'add', path: '/data/~2x', value: 't' }], MergeErrorCode.invalidPatch],
  ['json test without value on a missing member', 'configMap', [{ op: 'test', path: '/data/nope' }], MergeErrorCode.invalidPatch],
  ['json move from a missing member', 'configMap', [{ op: 'move', from: '/data/nope', path: '/data/x' }]],
  ['json test past the end', 'widget', [{ op: 'test', path: '/spec/tags/5', value: null }]],
  ['json move to the end', 'widget', [{ op: 'move', from: '/spec/tags/0', path: '/spec/tags/-' }]],
  ['json copy a list into itself', 'widget', [{ op: 'copy', from: '/spec/tags', path: '/spec/tags/-' }]],
  ['json replace the root', 'configMap', [{ op: 'replace', path: '', value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'z' } } }]],
  ['json test the root', 'widget', [{ op: 'test', path: '', value: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels: { a: '1' } }, spec: { size: 3, tags: ['x', 'y'], parts: [{ name: 'p1', qty: 1 }], nested: { a: { b: 1 }, keep: true } } } }]],
  ['json add at the root', 'configMap', [{ op: 'add', path: '', value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'z' } } }], 'kubernetes-only'],
];

const toCases = (type: KubectlCase['type'], rows: Row[]): KubectlCase[] =>
  rows.map(([name, base, patch, mark]) => {
    if (mark === 'kubernetes-only') return { name, type, base, patch, kubernetesOnly: true };
    return { name, type, base, patch, ...(mark ? { stricter: mark } : {}) };
  });

/**
 * Generated ordering cases (fixed seed, so the table is the same on every run): env lists of a
 * container built from a few names, patched with merges, additions, `$patch: delete` items and,
 * sometimes, a `$setElementOrder` list consistent with the patch.
 */
export function generatedOrderingCases(count: number, seed = 20261125): KubectlCase[] {
  const name = fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F');
  const origEnv = fc.array(name, { maxLength: 6 }); // duplicates allowed: Go's in-place slice edits then show
  const patchItem = fc.record({ name, del: fc.boolean(), value: fc.constantFrom('p', 'q') });
  const arb = fc.record({
    orig: origEnv,
    patch: fc.uniqueArray(patchItem, { maxLength: 4, selector: (x) => x.name }),
    order: fc.option(fc.uniqueArray(name, { maxLength: 6 }), { nil: undefined, freq: 2 }),
  });
  return fc.sample(arb, { seed, numRuns: count }).map((g, i) => {
    const items = g.patch.map((p): JsonObject => (p.del ? { name: p.name, $patch: 'delete' } : { name: p.name, value: p.value }));
    const container: JsonObject = { name: 'main', env: items };
    if (g.order) {
      // Keep $setElementOrder consistent with the patch: its kept items first, in patch order.
      const kept = g.patch.filter((p) => !p.del).map((p) => p.name);
      container['$setElementOrder/env'] = [...kept, ...g.order.filter((n) => !kept.includes(n))].map((n) => ({ name: n }));
    }
    const base: JsonObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `gen-${i}` },
      spec: { containers: [{ name: 'main', image: 'x', env: g.orig.map((n) => ({ name: n, value: 'o' })) }] },
    };
    return { name: `generated ordering ${i}`, type: 'strategic' as const, base, patch: { spec: { containers: [container] } } };
  });
}

/**
 * Generated Deployment patches (fixed seed): containers, env, ports, mounts, volumes, pull secrets,
 * node selectors and finalizers with nulls, `$patch` items, `$retainKeys` and `$setElementOrder`
 * lists that may or may not match the patch. Combinations where kubectl's own result depends on Go
 * map iteration order (a list and its `$deleteFromPrimitiveList` in one patch) are not generated.
 */
export function generatedDeploymentCases(count: number, seed = 1125): KubectlCase[] {
  const opt = <T,>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 2 });
  const named = (l: string[]): JsonObject[] => l.map((name) => ({ name }));
  const cname = fc.constantFrom('app', 'sidecar', 'new', 'x');
  const envName = fc.constantFrom('A', 'B', 'C', 'N');
  const envItem = fc.oneof(
    fc.record({ name: envName, value: fc.constantFrom(null, 'v', 'w') }),
    fc.record({ name: envName, $patch: fc.constantFrom('delete', 'replace') }),
  );
  const port = fc.constantFrom(80, 443, 8080);
  const portItem = fc.oneof(fc.record({ containerPort: port, name: fc.constantFrom('p', 'q') }), fc.record({ containerPort: port, $patch: fc.constant('delete') }));
  const mountItem = fc.record({ mountPath: fc.constantFrom('/data', '/etc/cfg', '/new'), name: fc.constantFrom('data', 'cfg', 'n') });
  const container = fc.record(
    {
      name: cname,
      image: opt(fc.constantFrom('i1', 'i2')),
      env: opt(fc.array(envItem, { maxLength: 3 })),
      ports: opt(fc.array(portItem, { maxLength: 2 })),
      volumeMounts: opt(fc.array(mountItem, { maxLength: 2 })),
      args: opt(fc.array(fc.constantFrom('--a', '--z'), { maxLength: 2 })),
      resources: opt(fc.constant(null)),
      '$setElementOrder/env': opt(fc.uniqueArray(envName, { maxLength: 4 }).map(named)),
    },
    { requiredKeys: ['name'] },
  );
  const volume = fc.oneof(
    fc.record({ name: fc.constantFrom('data', 'cfg', 'v'), emptyDir: fc.constant({}) }),
    fc.record({ name: fc.constantFrom('data', 'cfg'), hostPath: fc.constant({ path: '/h' }), $retainKeys: fc.constant(['name', 'hostPath']) }),
    fc.record({ name: fc.constantFrom('data', 'cfg'), $patch: fc.constant('delete') }),
  );
  const secret = fc.constantFrom('reg1', 'reg2', 'reg3');
  const podSpec = fc.record(
    {
      containers: opt(fc.array(fc.oneof(container, fc.record({ name: cname, $patch: fc.constant('delete') })), { maxLength: 3 })),
      '$setElementOrder/containers': opt(fc.uniqueArray(cname, { maxLength: 4 }).map(named)),
      volumes: opt(fc.array(volume, { maxLength: 2 })),
      imagePullSecrets: opt(fc.array(fc.record({ name: secret }), { maxLength: 2 })),
      '$setElementOrder/imagePullSecrets': opt(fc.uniqueArray(secret, { maxLength: 3 }).map(named)),
      nodeSelector: opt(fc.oneof(fc.constant(null), fc.record({ disk: fc.constantFrom(null, 'hdd'), z: fc.constant('1') }))),
      tolerations: opt(fc.constant([{ key: 't' }])),
    },
    { requiredKeys: [] },
  );
  const metadata = fc.record(
    {
      finalizers: opt(fc.array(fc.constantFrom('f1', 'f3'), { maxLength: 2 })),
      '$setElementOrder/finalizers': opt(fc.uniqueArray(fc.constantFrom('f1', 'f2', 'f3'), { maxLength: 3 })),
      labels: opt(fc.record({ tier: fc.constant(null), x: fc.constant('y') })),
    },
    { requiredKeys: [] },
  );
  const patch = fc.record({ spec: fc.record({ template: fc.record({ spec: podSpec }) }), metadata: opt(metadata) }, { requiredKeys: ['spec'] });
  // JSON round trip: drops the undefined members the optional fields leave behind.
  return fc.sample(patch, { seed, numRuns: count }).map((p, i) => ({
    name: `generated deployment ${i}`,
    type: 'strategic' as const,
    base: 'deployment' as const,
    patch: JSON.parse(JSON.stringify(p)) as JsonValue,
  }));
}

/** Every differential case. */
export const kubectlCases: readonly KubectlCase[] = [
  ...toCases('strategic', strategicRows),
  ...generatedOrderingCases(40),
  ...generatedDeploymentCases(30),
  ...toCases('merge', mergeRows),
  ...toCases('json', jsonRows),
];
