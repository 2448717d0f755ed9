/** Validation of core and other built-in kinds: Services, ConfigMaps/Secrets, PVCs, Pods, bindings, Ingresses, CRDs. */
import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from '../../../kube/object.js';
import { fieldErr, type FieldError } from '../field-errors.js';
import { goStringSlice } from './go-format.js';
import { validatePodSpec } from './podspec.js';

function obj(v: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(v) ? v : undefined;
}

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const protocols = ['SCTP', 'TCP', 'UDP'];

function validateServicePorts(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && spec.type !== 'ExternalName' && !headless) errs.push(fieldErr.required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    if (!isJsonObject(p)) return;
    const path = `spec.ports[${i}]`;
    if (ports.length > 1 && (typeof p.name !== 'string' || p.name === '')) errs.push(fieldErr.required(`${path}.name`));
    if (typeof p.name === 'string' && p.name !== '') {
      if (names.has(p.name)) errs.push(fieldErr.duplicate(`${path}.name`, p.name));
      names.add(p.name);
    }
    if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) errs.push(fieldErr.invalid(`${path}.port`, (p.port ?? 0) as JsonValue, 'must be between 1 and 65535, inclusive'));
    if (typeof p.protocol === 'string' && !protocols.includes(p.protocol)) errs.push(fieldErr.notSupported(`${path}.protocol`, p.protocol, protocols));
    if (typeof p.nodePort === 'number' && (spec.type === 'ClusterIP' || spec.type === undefined)) {
      errs.push(fieldErr.forbidden(`${path}.nodePort`, 'may not be used when `type` is \'ClusterIP\''));
    }
  });
  return errs;
}

/** A v1 Service: type, ports, ExternalName; on update the allocated cluster IP may not change. */
export function validateService(spec: JsonObject | undefined, old: JsonObject | undefined): FieldError[] {
  if (!spec) return [fieldErr.required('spec.ports')];
  const errs: FieldError[] = [];
  if (typeof spec.type === 'string' && !serviceTypes.includes(spec.type)) errs.push(fieldErr.notSupported('spec.type', spec.type, serviceTypes));
  if (spec.type === 'ExternalName' && (typeof spec.externalName !== 'string' || spec.externalName === '')) errs.push(fieldErr.required('spec.externalName'));
  errs.push(...validateServicePorts(spec));
  if (!old) return errs;
  const oldIP = old.clusterIP;
  const becomesExternal = spec.type === 'ExternalName';
  if (!becomesExternal && typeof oldIP === 'string' && oldIP !== '' && old.type !== 'ExternalName') {
    const newIPs = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : spec.clusterIP !== undefined ? [spec.clusterIP] : [];
    if (spec.clusterIP !== oldIP || (newIPs.length > 0 && newIPs[0] !== oldIP)) {
      errs.push(fieldErr.invalid('spec.clusterIPs[0]', { goText: goStringSlice(newIPs.length > 0 ? newIPs : [spec.clusterIP ?? '']) }, 'may not change once set'));
    }
  }
  return errs;
}

const configKey = /^[-._a-zA-Z0-9]+$/;

function validateKeys(o: JsonObject, field: string): FieldError[] {
  const m = obj(o[field]);
  if (!m) return [];
  const errs: FieldError[] = [];
  for (const k of Object.keys(m)) {
    if (k.length > 253 || !configKey.test(k)) {
      errs.push(
        fieldErr.invalid(
          `${field}[${k}]`,
          k,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        ),
      );
    }
  }
  return errs;
}

/** ConfigMap/Secret: key syntax; `immutable: true` freezes data (and itself); a Secret's type never changes. */
export function validateConfigData(o: JsonObject, old: JsonObject | undefined, isSecret: boolean): FieldError[] {
  const dataFields = isSecret ? ['data'] : ['data', 'binaryData'];
  const errs: FieldError[] = [];
  for (const f of dataFields) errs.push(...validateKeys(o, f));
  if (!old) return errs;
  if (isSecret && (o.type ?? 'Opaque') !== (old.type ?? 'Opaque')) errs.push(fieldErr.invalid('type', (o.type ?? '') as JsonValue, 'field is immutable'));
  if (old.immutable !== true) return errs;
  if (o.immutable !== true) errs.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of dataFields) {
    const a = obj(o[f]) ?? {};
    const b = obj(old[f]) ?? {};
    if (!jsonEqual(a, b)) errs.push(fieldErr.forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
}

function storageQuantity(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(v);
  if (!m) return undefined;
  const mult: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, m: 1e-3 };
  const f = mult[m[2] ?? ''];
  return f === undefined ? undefined : Number(m[1]) * f;
}

/** PVC spec is immutable after creation except `resources.requests` (growth only) and volumeAttributesClassName. */
export function validatePVC(spec: JsonObject | undefined, old: JsonObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (spec && !old) {
    const modes = Array.isArray(spec.accessModes) ? spec.accessModes : [];
    if (modes.length === 0 && spec.dataSourceRef === undefined) errs.push(fieldErr.required('spec.accessModes', 'at least 1 access mode is required'));
  }
  if (!spec || !old) return errs;
  const strip = (s: JsonObject): JsonObject => {
    const c = { ...s };
    delete c.volumeAttributesClassName;
    // binding sets volumeName once (the PV controller does it on a claim that had none)
    if (!old.volumeName) delete c.volumeName;
    const res = obj(c.resources);
    if (res) {
      const r = { ...res };
      delete r.requests;
      c.resources = r;
    }
    return c;
  };
  if (!jsonEqual(strip(spec), strip(old))) {
    errs.push(fieldErr.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const now = storageQuantity(obj(obj(spec.resources)?.requests)?.storage);
  const was = storageQuantity(obj(obj(old.resources)?.requests)?.storage);
  if (now !== undefined && was !== undefined && now < was) errs.push(fieldErr.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  return errs;
}

/** Pod updates may only change container images, activeDeadlineSeconds, tolerations (additions) and the grace period. */
export function validatePod(spec: JsonObject | undefined, old: JsonObject | undefined): FieldError[] {
  const errs = validatePodSpec(spec, 'spec', ['Always', 'OnFailure', 'Never']);
  if (!spec || !old) return errs;
  const strip = (s: JsonObject): JsonObject => {
    const c: JsonObject = { ...s };
    for (const k of ['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds']) delete c[k];
    for (const k of ['containers', 'initContainers']) {
      if (Array.isArray(c[k])) c[k] = (c[k] as JsonValue[]).map((x) => (isJsonObject(x) ? { ...x, image: '' } : x));
    }
    return c;
  };
  if (!jsonEqual(strip(spec), strip(old))) {
    errs.push(
      fieldErr.forbidden(
        'spec',
        'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ),
    );
  }
  return errs;
}

/** RoleBinding/ClusterRoleBinding: roleRef required and immutable (`cannot change roleRef`). */
export function validateBinding(o: JsonObject, old: JsonObject | undefined, clusterScoped: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = obj(o.roleRef);
  if (!ref) return [fieldErr.required('roleRef')];
  const kinds = clusterScoped ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (typeof ref.kind !== 'string' || !kinds.includes(ref.kind)) errs.push(fieldErr.notSupported('roleRef.kind', (ref.kind ?? '') as JsonValue, kinds));
  if (typeof ref.name !== 'string' || ref.name === '') errs.push(fieldErr.required('roleRef.name'));
  if (ref.apiGroup !== 'rbac.authorization.k8s.io') errs.push(fieldErr.notSupported('roleRef.apiGroup', (ref.apiGroup ?? '') as JsonValue, ['rbac.authorization.k8s.io']));
  (Array.isArray(o.subjects) ? o.subjects : []).forEach((s, i) => {
    if (!isJsonObject(s)) return;
    const sk = ['ServiceAccount', 'User', 'Group'];
    if (typeof s.kind !== 'string' || !sk.includes(s.kind)) errs.push(fieldErr.notSupported(`subjects[${i}].kind`, (s.kind ?? '') as JsonValue, sk));
    if (typeof s.name !== 'string' || s.name === '') errs.push(fieldErr.required(`subjects[${i}].name`));
    if (s.kind === 'ServiceAccount' && clusterScoped && (typeof s.namespace !== 'string' || s.namespace === '')) errs.push(fieldErr.required(`subjects[${i}].namespace`));
  });
  const oldRef = old ? obj(old.roleRef) : undefined;
  if (oldRef && !jsonEqual(ref, oldRef)) {
    const text = `rbac.RoleRef{APIGroup:${JSON.stringify(String(ref.apiGroup ?? ''))}, Kind:${JSON.stringify(String(ref.kind ?? ''))}, Name:${JSON.stringify(String(ref.name ?? ''))}}`;
    errs.push(fieldErr.invalid('roleRef', { goText: text }, 'cannot change roleRef'));
  }
  return errs;
}

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];

/** networking.k8s.io/v1 Ingress: every path has a pathType and a backend. */
export function validateIngress(spec: JsonObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(spec?.rules) ? spec.rules : []).forEach((r, i) => {
    const paths = isJsonObject(r) && isJsonObject(r.http) && Array.isArray(r.http.paths) ? r.http.paths : [];
    paths.forEach((p, j) => {
      if (!isJsonObject(p)) return;
      const path = `spec.rules[${i}].http.paths[${j}]`;
      if (p.pathType === undefined) errs.push(fieldErr.required(`${path}.pathType`, 'pathType must be specified'));
      else if (typeof p.pathType !== 'string' || !pathTypes.includes(p.pathType)) errs.push(fieldErr.notSupported(`${path}.pathType`, p.pathType, pathTypes));
      if (!isJsonObject(p.backend)) errs.push(fieldErr.required(`${path}.backend`));
    });
  });
  return errs;
}
