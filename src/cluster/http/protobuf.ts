/**
 * Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) for the kinds
 * kubectl's typed clients send that way: `kubectl create namespace|configmap|secret|serviceaccount|role|
 * clusterrole|rolebinding|clusterrolebinding|deployment|service|job` and `kubectl auth can-i [--list]` (access and rules reviews). kubectl 1.32 sends
 * protobuf for these and does not fall back to JSON on 415, so the server must read them.
 *
 * The envelope is `k8s\0` + a `runtime.Unknown` message (typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2);
 * `raw` is the object's message. Field numbers below are the public wire contract of `k8s.io/api`'s
 * generated protobuf messages (only the fields these kinds need; unknown fields are skipped). Other kinds
 * get 415 with a hint to send JSON.
 */
import type { JsonObject, JsonValue } from '../../kube/object.js';
import { ApiError, StatusReason, badRequest } from '../errors.js';

type Scalar = 'string' | 'bytes' | 'bool' | 'int' | 'time';
interface FieldDef {
  name: string;
  type: Scalar | { msg: string } | { map: Scalar | { msg: string } };
  repeated?: boolean;
  /** Keep 0/false (pointer fields in Go, where zero is meaningful); other zero scalars are dropped as JSON omitempty does. */
  keepZero?: boolean;
}
type MessageDef = Readonly<Record<number, FieldDef>>;

const s = (name: string): FieldDef => ({ name, type: 'string' });
const ss = (name: string): FieldDef => ({ name, type: 'string', repeated: true });
const m = (name: string, msg: string, repeated = false): FieldDef => ({ name, type: { msg }, repeated });
const int = (name: string, keepZero = false): FieldDef => ({ name, type: 'int', keepZero });
const bool = (name: string, keepZero = false): FieldDef => ({ name, type: 'bool', keepZero });

const MESSAGES: Readonly<Record<string, MessageDef>> = {
  Unknown: { 1: m('typeMeta', 'TypeMeta'), 2: { name: 'raw', type: 'bytes' }, 3: s('contentEncoding'), 4: s('contentType') },
  TypeMeta: { 1: s('apiVersion'), 2: s('kind') },
  ObjectMeta: {
    1: s('name'),
    2: s('generateName'),
    3: s('namespace'),
    5: s('uid'),
    6: s('resourceVersion'),
    7: { name: 'generation', type: 'int' },
    8: { name: 'creationTimestamp', type: 'time' },
    9: { name: 'deletionTimestamp', type: 'time' },
    10: { name: 'deletionGracePeriodSeconds', type: 'int' },
    11: { name: 'labels', type: { map: 'string' } },
    12: { name: 'annotations', type: { map: 'string' } },
    13: m('ownerReferences', 'OwnerReference', true),
    14: ss('finalizers'),
  },
  OwnerReference: { 1: s('kind'), 3: s('name'), 4: s('uid'), 5: s('apiVersion'), 6: { name: 'controller', type: 'bool' }, 7: { name: 'blockOwnerDeletion', type: 'bool' } },
  LabelSelector: { 1: { name: 'matchLabels', type: { map: 'string' } }, 2: m('matchExpressions', 'LabelSelectorRequirement', true) },
  LabelSelectorRequirement: { 1: s('key'), 2: s('operator'), 3: ss('values') },
  Namespace: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'NamespaceSpec'), 3: m('status', 'NamespaceStatus') },
  NamespaceSpec: { 1: ss('finalizers') },
  NamespaceStatus: { 1: s('phase') },
  ConfigMap: { 1: m('metadata', 'ObjectMeta'), 2: { name: 'data', type: { map: 'string' } }, 3: { name: 'binaryData', type: { map: 'bytes' } }, 4: { name: 'immutable', type: 'bool' } },
  Secret: {
    1: m('metadata', 'ObjectMeta'),
    2: { name: 'data', type: { map: 'bytes' } },
    3: s('type'),
    4: { name: 'stringData', type: { map: 'string' } },
    5: { name: 'immutable', type: 'bool' },
  },
  ServiceAccount: {
    1: m('metadata', 'ObjectMeta'),
    2: m('secrets', 'ObjectReference', true),
    3: m('imagePullSecrets', 'LocalObjectReference', true),
    4: bool('automountServiceAccountToken', true),
  },
  ObjectReference: { 1: s('kind'), 2: s('namespace'), 3: s('name'), 4: s('uid'), 5: s('apiVersion'), 6: s('resourceVersion'), 7: s('fieldPath') },
  LocalObjectReference: { 1: s('name') },
  Role: { 1: m('metadata', 'ObjectMeta'), 2: m('rules', 'PolicyRule', true) },
  ClusterRole: { 1: m('metadata', 'ObjectMeta'), 2: m('rules', 'PolicyRule', true), 3: m('aggregationRule', 'AggregationRule') },
  AggregationRule: { 1: m('clusterRoleSelectors', 'LabelSelector', true) },
  PolicyRule: { 1: ss('verbs'), 2: ss('apiGroups'), 3: ss('resources'), 4: ss('resourceNames'), 5: ss('nonResourceURLs') },
  RoleBinding: { 1: m('metadata', 'ObjectMeta'), 2: m('subjects', 'Subject', true), 3: m('roleRef', 'RoleRef') },
  ClusterRoleBinding: { 1: m('metadata', 'ObjectMeta'), 2: m('subjects', 'Subject', true), 3: m('roleRef', 'RoleRef') },
  Subject: { 1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace') },
  RoleRef: { 1: s('apiGroup'), 2: s('kind'), 3: s('name') },
  SelfSubjectAccessReview: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'SelfSubjectAccessReviewSpec') },
  SelfSubjectAccessReviewSpec: { 1: m('resourceAttributes', 'ResourceAttributes'), 2: m('nonResourceAttributes', 'NonResourceAttributes') },
  SubjectAccessReview: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'SubjectAccessReviewSpec') },
  SelfSubjectRulesReview: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'SelfSubjectRulesReviewSpec') },
  SelfSubjectRulesReviewSpec: { 1: s('namespace') },
  LocalSubjectAccessReview: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'SubjectAccessReviewSpec') },
  SubjectAccessReviewSpec: {
    1: m('resourceAttributes', 'ResourceAttributes'),
    2: m('nonResourceAttributes', 'NonResourceAttributes'),
    3: s('user'),
    4: ss('groups'),
    6: s('uid'),
  },
  ResourceAttributes: { 1: s('namespace'), 2: s('verb'), 3: s('group'), 4: s('version'), 5: s('resource'), 6: s('subresource'), 7: s('name') },
  NonResourceAttributes: { 1: s('path'), 2: s('verb') },
  Time: { 1: int('seconds'), 2: int('nanos') },
  Deployment: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'DeploymentSpec') },
  DeploymentSpec: {
    1: int('replicas', true),
    2: m('selector', 'LabelSelector'),
    3: m('template', 'PodTemplateSpec'),
    4: m('strategy', 'DeploymentStrategy'),
    5: int('minReadySeconds'),
    6: int('revisionHistoryLimit', true),
    7: bool('paused'),
    9: int('progressDeadlineSeconds', true),
  },
  DeploymentStrategy: { 1: s('type') },
  PodTemplateSpec: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodSpec') },
  PodSpec: {
    2: m('containers', 'Container', true),
    3: s('restartPolicy'),
    7: { name: 'nodeSelector', type: { map: 'string' } },
    8: s('serviceAccountName'),
    15: m('imagePullSecrets', 'LocalObjectReference', true),
    20: m('initContainers', 'Container', true),
  },
  Container: {
    1: s('name'),
    2: s('image'),
    3: ss('command'),
    4: ss('args'),
    5: s('workingDir'),
    6: m('ports', 'ContainerPort', true),
    7: m('env', 'EnvVar', true),
    8: m('resources', 'ResourceRequirements'),
    14: s('imagePullPolicy'),
  },
  ContainerPort: { 1: s('name'), 2: int('hostPort'), 3: int('containerPort'), 4: s('protocol'), 5: s('hostIP') },
  EnvVar: { 1: s('name'), 2: s('value') },
  ResourceRequirements: { 1: { name: 'limits', type: { map: { msg: 'Quantity' } } }, 2: { name: 'requests', type: { map: { msg: 'Quantity' } } } },
  Quantity: { 1: s('string') },
  IntOrString: { 1: int('type'), 2: int('intVal', true), 3: s('strVal') },
  Service: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ServiceSpec') },
  ServiceSpec: {
    1: m('ports', 'ServicePort', true),
    2: { name: 'selector', type: { map: 'string' } },
    3: s('clusterIP'),
    4: s('type'),
    10: s('externalName'),
    18: ss('clusterIPs'),
  },
  ServicePort: { 1: s('name'), 2: s('protocol'), 3: int('port'), 4: m('targetPort', 'IntOrString'), 5: int('nodePort') },
  Job: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'JobSpec') },
  JobSpec: {
    1: int('parallelism', true),
    2: int('completions', true),
    3: int('activeDeadlineSeconds', true),
    4: m('selector', 'LabelSelector'),
    5: bool('manualSelector', true),
    6: m('template', 'PodTemplateSpec'),
    7: int('backoffLimit', true),
    8: int('ttlSecondsAfterFinished', true),
    9: s('completionMode'),
    10: bool('suspend', true),
  },
};

/** Kinds whose protobuf encoding the server reads (by `apiVersion/kind`). */
const ROOTS: Readonly<Record<string, string>> = {
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/ServiceAccount': 'ServiceAccount',
  'apps/v1/Deployment': 'Deployment',
  'v1/Service': 'Service',
  'batch/v1/Job': 'Job',
  'rbac.authorization.k8s.io/v1/Role': 'Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'ClusterRoleBinding',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1/LocalSubjectAccessReview': 'LocalSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const MAX_DEPTH = 32;

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw badRequest('protobuf: truncated varint');
      const b = this.buf[this.pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw badRequest('protobuf: varint too long');
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    if (len < 0 || this.pos + len > this.buf.length) throw badRequest('protobuf: truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw badRequest(`protobuf: unsupported wire type ${wire}`);
  }
}

function scalar(type: Scalar, wire: number, r: Reader): JsonValue {
  switch (type) {
    case 'string':
      return r.bytes().toString('utf8');
    case 'bytes':
      return r.bytes().toString('base64');
    case 'bool':
      return r.varint() !== 0n;
    case 'int': {
      if (wire !== 0) throw badRequest('protobuf: expected a varint');
      const v = BigInt.asIntN(64, r.varint());
      return Number(v);
    }
    case 'time': {
      const t = decodeMessage('Time', r.bytes(), 1);
      const secs = typeof t.seconds === 'number' ? t.seconds : 0;
      return secs === 0 ? null : new Date(secs * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
  }
}

function valueOf(type: FieldDef['type'], wire: number, r: Reader, depth: number): JsonValue {
  if (typeof type === 'string') return scalar(type, wire, r);
  if ('msg' in type) return decodeMessage(type.msg, r.bytes(), depth + 1);
  throw badRequest('protobuf: unexpected map');
}

/** `{type: 0, intVal}` → the number, `{type: 1, strVal}` → the string. */
function intOrString(v: JsonValue): JsonValue {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  return v.type === 1 ? (typeof v.strVal === 'string' ? v.strVal : '') : typeof v.intVal === 'number' ? v.intVal : 0;
}

function isQuantity(v: JsonValue): v is { string: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.string === 'string';
}

function mapEntry(type: Scalar | { msg: string }, buf: Buffer, depth: number): [string, JsonValue] {
  const r = new Reader(buf);
  let key = '';
  let value: JsonValue = typeof type === 'string' && type !== 'string' && type !== 'bytes' ? null : '';
  while (!r.done()) {
    const tag = Number(r.varint());
    const field = tag >> 3;
    const wire = tag & 7;
    if (field === 1) key = r.bytes().toString('utf8');
    else if (field === 2) {
      value = valueOf(type, wire, r, depth);
      if (isQuantity(value)) value = value.string;
    }
    else r.skip(wire);
  }
  return [key, value];
}

function decodeMessage(name: string, buf: Buffer, depth: number): JsonObject {
  if (depth > MAX_DEPTH) throw badRequest('protobuf: nesting too deep');
  const def = MESSAGES[name];
  if (!def) throw badRequest(`protobuf: no definition for ${name}`);
  const r = new Reader(buf);
  const out: JsonObject = {};
  while (!r.done()) {
    const tag = Number(r.varint());
    const f = def[tag >> 3];
    const wire = tag & 7;
    if (!f) {
      r.skip(wire);
      continue;
    }
    if (typeof f.type === 'object' && 'map' in f.type) {
      const [k, v] = mapEntry(f.type.map, r.bytes(), depth);
      const cur = (out[f.name] as JsonObject | undefined) ?? {};
      cur[k] = v;
      out[f.name] = cur;
      continue;
    }
    let v = valueOf(f.type, wire, r, depth);
    if (typeof f.type === 'object' && 'msg' in f.type && f.type.msg === 'Quantity' && isQuantity(v)) v = v.string;
    if (typeof f.type === 'object' && 'msg' in f.type && f.type.msg === 'IntOrString') v = intOrString(v);
    if (!f.keepZero && (v === 0 || v === false)) continue;
    if (f.repeated) {
      const cur = (out[f.name] as JsonValue[] | undefined) ?? [];
      cur.push(v);
      out[f.name] = cur;
    } else if (v !== null && v !== '') out[f.name] = v;
  }
  return out;
}

/** True when the body starts with the Kubernetes protobuf magic. */
export function isKubeProtobuf(buf: Buffer): boolean {
  return buf.length >= 4 && buf.subarray(0, 4).equals(MAGIC);
}

/** Decodes a `k8s\0` protobuf body to the JSON object it encodes; 415 for kinds it cannot read. */
export function decodeKubeProtobuf(buf: Buffer): JsonObject {
  if (!isKubeProtobuf(buf)) throw badRequest('protobuf: missing the k8s\\0 envelope');
  const env = decodeMessage('Unknown', buf.subarray(4), 0);
  const tm = (env.typeMeta as JsonObject | undefined) ?? {};
  const apiVersion = String(tm.apiVersion ?? '');
  const kind = String(tm.kind ?? '');
  const root = ROOTS[`${apiVersion}/${kind}`];
  if (!root) {
    throw new ApiError(
      415,
      StatusReason.unsupportedMediaType,
      `the body of the request was in an unknown format - protobuf is only accepted for ${Object.keys(ROOTS).join(', ')}; send ${apiVersion}/${kind} as application/json`,
    );
  }
  const raw = typeof env.raw === 'string' ? Buffer.from(env.raw, 'base64') : Buffer.alloc(0);
  const obj = decodeMessage(root, raw, 1);
  return { apiVersion, kind, ...obj, metadata: (obj.metadata as JsonObject | undefined) ?? {} };
}
