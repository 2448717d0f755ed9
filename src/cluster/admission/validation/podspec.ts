/** PodSpec validation a GitOps tool runs into: containers present, named, with images; ports in range; restart policy. */
import { isJsonObject, type JsonObject } from '../../../kube/object.js';
import { fieldErr, type FieldError } from '../field-errors.js';

const protocols = ['SCTP', 'TCP', 'UDP'];

function validateContainer(c: JsonObject, path: string, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const name = c.name;
  if (typeof name !== 'string' || name === '') errs.push(fieldErr.required(`${path}.name`));
  else if (names.has(name)) errs.push(fieldErr.duplicate(`${path}.name`, name));
  else names.add(name);
  if (typeof c.image !== 'string' || c.image.trim() === '') errs.push(fieldErr.required(`${path}.image`));
  const ports = Array.isArray(c.ports) ? c.ports : [];
  ports.forEach((p, i) => {
    if (!isJsonObject(p)) return;
    const pp = `${path}.ports[${i}]`;
    const cp = p.containerPort;
    if (typeof cp !== 'number' || cp < 1 || cp > 65535) errs.push(cp === undefined || cp === 0 ? fieldErr.required(`${pp}.containerPort`) : fieldErr.invalid(`${pp}.containerPort`, cp as number, 'must be between 1 and 65535, inclusive'));
    if (typeof p.protocol === 'string' && !protocols.includes(p.protocol)) errs.push(fieldErr.notSupported(`${pp}.protocol`, p.protocol, protocols));
  });
  return errs;
}

/**
 * Validates a PodSpec at `path`. `restartPolicies` lists the allowed values (workload templates only allow
 * Always; Jobs OnFailure/Never).
 */
export function validatePodSpec(spec: JsonObject | undefined, path: string, restartPolicies: readonly string[]): FieldError[] {
  if (!spec) return [fieldErr.required(`${path}.containers`)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  if (containers.length === 0) errs.push(fieldErr.required(`${path}.containers`));
  containers.forEach((c, i) => {
    if (isJsonObject(c)) errs.push(...validateContainer(c, `${path}.containers[${i}]`, names));
  });
  const inits = Array.isArray(spec.initContainers) ? spec.initContainers : [];
  inits.forEach((c, i) => {
    if (isJsonObject(c)) errs.push(...validateContainer(c, `${path}.initContainers[${i}]`, names));
  });
  const rp = spec.restartPolicy;
  if (typeof rp === 'string' && !restartPolicies.includes(rp)) errs.push(fieldErr.notSupported(`${path}.restartPolicy`, rp, restartPolicies));
  if (rp === undefined && !restartPolicies.includes('Always')) errs.push(fieldErr.required(`${path}.restartPolicy`, `valid values: ${restartPolicies.map((x) => JSON.stringify(x)).join(', ')}`));
  const vnames = new Set<string>();
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((v, i) => {
    if (!isJsonObject(v)) return;
    if (typeof v.name !== 'string' || v.name === '') errs.push(fieldErr.required(`${path}.volumes[${i}].name`));
    else if (vnames.has(v.name)) errs.push(fieldErr.duplicate(`${path}.volumes[${i}].name`, v.name));
    else vnames.add(v.name);
  });
  return errs;
}
