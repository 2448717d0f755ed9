/**
 * Service defaults (`SetDefaults_Service`) plus what the Service REST storage allocates on create: a cluster
 * IP from 10.96.0.0/12, node ports from 30000-32767, IP families, and — on update — the allocated values
 * carried over from the stored object when the new one omits them (as `kubectl replace`/`apply` rely on).
 *
 * Caveat: allocation is deterministic from namespace/name (FNV-1a), not from a shared allocator, so two
 * Services can in theory get the same address; with 2^20 addresses that is rare and harmless here.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../kube/object.js';
import { child, ensure, num, objectItems, setDefault, str } from './util.js';

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The cluster IP a Service gets: 10.96.0.0/12, never .0/.1 of the range nor its broadcast address. */
export function allocateClusterIP(namespace: string, name: string): string {
  if (namespace === 'default' && name === 'kubernetes') return '10.96.0.1';
  const size = 1 << 20;
  const offset = 2 + (fnv1a(`${namespace}/${name}`) % (size - 3));
  const base = (10 << 24) | (96 << 16);
  const ip = (base + offset) >>> 0;
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
}

/** A node port in 30000-32767 for the i-th port of a Service. */
export function allocateNodePort(namespace: string, name: string, index: number): number {
  return 30000 + (fnv1a(`${namespace}/${name}#${index}`) % 2768);
}

/**
 * Drops allocations the new type no longer uses when they are unchanged from the stored object, as the
 * API server's service update does (`dropTypeDependentFields`): cluster IPs when becoming ExternalName, node
 * ports when becoming ClusterIP, the health-check node port without a Local LoadBalancer.
 */
function dropTypeDependent(spec: JsonObject, old: JsonObject): void {
  const oldPorts = objectItems(old, 'ports');
  if (spec.type === 'ExternalName' && old.type !== 'ExternalName') {
    for (const k of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) {
      if (spec[k] !== undefined && JSON.stringify(spec[k]) === JSON.stringify(old[k])) delete spec[k];
    }
  }
  if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') {
    for (const p of objectItems(spec, 'ports')) {
      if (p.nodePort !== undefined && oldPorts.some((o) => o.nodePort === p.nodePort)) delete p.nodePort;
    }
    if (spec.externalTrafficPolicy === old.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  }
  if (!(spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local') && spec.healthCheckNodePort === old.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (spec.type !== 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
}

function carryOver(spec: JsonObject, old: JsonObject | undefined): void {
  if (!old) return;
  if (spec.type !== old.type) dropTypeDependent(spec, old);
  const keepIPs = spec.type !== 'ExternalName' && old.type !== 'ExternalName';
  if (keepIPs) {
    for (const k of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) {
      if ((spec[k] === undefined || spec[k] === '' || spec[k] === null) && old[k] !== undefined) spec[k] = old[k] as JsonValue;
    }
  }
  const needsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (needsNodePorts) {
    const oldPorts = objectItems(old, 'ports');
    for (const p of objectItems(spec, 'ports')) {
      if (num(p, 'nodePort')) continue;
      const match = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (match && typeof match.nodePort === 'number') p.nodePort = match.nodePort;
    }
    if (spec.healthCheckNodePort === undefined && typeof old.healthCheckNodePort === 'number') spec.healthCheckNodePort = old.healthCheckNodePort;
  }
}

function allocate(spec: JsonObject, ns: string, name: string): void {
  const ip = str(spec, 'clusterIP');
  if (ip === undefined || ip === '') {
    const first = Array.isArray(spec.clusterIPs) ? spec.clusterIPs[0] : undefined;
    spec.clusterIP = typeof first === 'string' && first !== '' ? first : allocateClusterIP(ns, name);
  }
  if (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) spec.clusterIPs = [spec.clusterIP as string];
  const headlessNoSelector = spec.clusterIP === 'None' && !isJsonObject(spec.selector);
  setDefault(spec, 'ipFamilyPolicy', headlessNoSelector ? 'RequireDualStack' : 'SingleStack');
  setDefault(spec, 'ipFamilies', ['IPv4']);
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    objectItems(spec, 'ports').forEach((p, i) => {
      if (!num(p, 'nodePort')) p.nodePort = allocateNodePort(ns, name, i);
    });
    if (spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local' && !num(spec, 'healthCheckNodePort')) {
      spec.healthCheckNodePort = allocateNodePort(ns, name, 1000);
    }
  }
}

/**
 * Defaults a v1 Service in place. `old` is the stored object on update (its allocations are carried over);
 * `allocateOnCreate` false skips allocation (e.g. for tests of pure defaults).
 */
export function defaultService(o: JsonObject, opts: { old?: JsonObject; allocate?: boolean } = {}): void {
  const spec = ensure(o, 'spec');
  if (!spec) return;
  const meta = child(o, 'metadata');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = ensure(spec, 'sessionAffinityConfig');
    const cip = cfg ? ensure(cfg, 'clientIP') : undefined;
    if (cip) setDefault(cip, 'timeoutSeconds', 10800);
  }
  for (const p of objectItems(spec, 'ports')) {
    setDefault(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') {
      if (p.port !== undefined) p.targetPort = p.port;
    }
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  if (spec.type === 'ExternalName') {
    const old = child(opts.old, 'spec');
    if (old && old.type !== 'ExternalName') dropTypeDependent(spec, old);
    return;
  }
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  carryOver(spec, child(opts.old, 'spec'));
  if (opts.allocate !== false) allocate(spec, str(meta, 'namespace') ?? 'default', str(meta, 'name') ?? str(meta, 'generateName') ?? '');
}
