/** Validation of CustomResourceDefinition objects themselves (names, scope, versions, structural schema basics). */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../kube/object.js';
import { fieldErr, type FieldError } from '../field-errors.js';

function obj(v: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(v) ? v : undefined;
}

/** Structural-schema basics: every specified node has a type unless int-or-string or preserve-unknown-fields. */
function structuralErrors(s: JsonObject, path: string, depth: number): FieldError[] {
  if (depth > 64) return [];
  const errs: FieldError[] = [];
  const typed = typeof s.type === 'string' && s.type !== '';
  const exempt = s['x-kubernetes-int-or-string'] === true || s['x-kubernetes-preserve-unknown-fields'] === true;
  if (!typed && !exempt && depth > 0) errs.push(fieldErr.required(`${path}.type`, 'must not be empty for specified object fields'));
  if (depth === 0 && s.type !== 'object') errs.push(fieldErr.invalid(`${path}.type`, (s.type ?? '') as JsonValue, 'must be object at the root'));
  const props = obj(s.properties);
  if (props) for (const [k, v] of Object.entries(props)) if (isJsonObject(v)) errs.push(...structuralErrors(v, `${path}.properties[${k}]`, depth + 1));
  const items = obj(s.items);
  if (items) errs.push(...structuralErrors(items, `${path}.items`, depth + 1));
  else if (s.type === 'array') errs.push(fieldErr.required(`${path}.items`, 'must be specified'));
  const ap = obj(s.additionalProperties);
  if (ap) errs.push(...structuralErrors(ap, `${path}.additionalProperties`, depth + 1));
  return errs;
}

function validateVersions(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isJsonObject) : [];
  if (versions.length === 0) return [fieldErr.invalid('spec.versions', { goText: '[]apiextensions.CustomResourceDefinitionVersion(nil)' }, 'must have exactly one version marked as storage version')];
  const storage = versions.filter((v) => v.storage === true).length;
  if (storage !== 1) errs.push(fieldErr.invalid('spec.versions', { goText: `[]apiextensions.CustomResourceDefinitionVersion{…${versions.length} versions}` }, 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (typeof v.name !== 'string' || v.name === '') errs.push(fieldErr.required(`${p}.name`));
    else if (seen.has(v.name)) errs.push(fieldErr.duplicate(`${p}.name`, v.name));
    else seen.add(v.name);
    if (typeof v.served !== 'boolean') errs.push(fieldErr.required(`${p}.served`));
    if (typeof v.storage !== 'boolean') errs.push(fieldErr.required(`${p}.storage`));
    const schema = obj(obj(v.schema)?.openAPIV3Schema);
    if (!schema) errs.push(fieldErr.required(`${p}.schema.openAPIV3Schema`, 'schemas are required'));
    else errs.push(...structuralErrors(schema, `${p}.schema.openAPIV3Schema`, 0));
  });
  return errs;
}

function validateNames(o: JsonObject, spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const names = obj(spec.names) ?? {};
  const group = typeof spec.group === 'string' ? spec.group : '';
  if (group === '') errs.push(fieldErr.required('spec.group'));
  else if (!group.includes('.')) errs.push(fieldErr.invalid('spec.group', group, 'should be a domain with at least one dot'));
  for (const k of ['plural', 'kind', 'listKind']) {
    if (typeof names[k] !== 'string' || names[k] === '') errs.push(fieldErr.required(`spec.names.${k}`));
  }
  // metadata.name = plural.group is checked by the server core (names), not repeated here.
  void o;
  return errs;
}

/** Validates a CRD (apiextensions.k8s.io/v1) on create/update. */
export function validateCRD(o: JsonObject, old: JsonObject | undefined): FieldError[] {
  const spec = obj(o.spec);
  if (!spec) return [fieldErr.required('spec')];
  const errs = validateNames(o, spec);
  const scopes = ['Cluster', 'Namespaced'];
  if (typeof spec.scope !== 'string' || !scopes.includes(spec.scope)) errs.push(fieldErr.notSupported('spec.scope', (spec.scope ?? '') as JsonValue, scopes));
  errs.push(...validateVersions(spec));
  const oldSpec = old ? obj(old.spec) : undefined;
  if (oldSpec) {
    if (oldSpec.scope !== spec.scope) errs.push(fieldErr.invalid('spec.scope', (spec.scope ?? '') as JsonValue, 'field is immutable'));
    if (oldSpec.group !== spec.group) errs.push(fieldErr.invalid('spec.group', (spec.group ?? '') as JsonValue, 'field is immutable'));
  }
  return errs;
}
