/**
 * Name validation as the API server does it per kind: DNS-1123 labels for namespaces and services,
 * path segments for RBAC kinds, `<plural>.<group>` for CRDs, DNS-1123 subdomains for everything else.
 */
import type { ResourceInfo } from '../kube/schema/types.js';
import type { StatusCause } from './errors.js';
import { CauseType } from './errors.js';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const LABEL_KINDS = new Set(['/namespaces', '/services']);

function pathSegmentErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const bad = ['/', '%'].filter((c) => name.includes(c));
  return bad.map((c) => `may not contain '${c}'`);
}

function labelErrors(name: string): string[] {
  const out: string[] = [];
  if (name.length > 63) out.push('must be no more than 63 characters');
  if (!dns1123Label.test(name)) {
    out.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return out;
}

function subdomainErrors(name: string): string[] {
  const out: string[] = [];
  if (name.length > 253) out.push('must be no more than 253 characters');
  if (!dns1123Subdomain.test(name)) {
    out.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return out;
}

/** Messages about what is wrong with `name` for this resource (empty when valid). */
export function nameErrors(r: Pick<ResourceInfo, 'group' | 'plural'>, name: string): string[] {
  if (r.group === 'rbac.authorization.k8s.io') return pathSegmentErrors(name);
  if (LABEL_KINDS.has(`${r.group}/${r.plural}`)) return labelErrors(name);
  return subdomainErrors(name);
}

/** `metadata.name` causes for an invalid name (as the API server reports: Invalid value: "x": …). */
export function nameCauses(r: Pick<ResourceInfo, 'group' | 'plural'>, name: string, field = 'metadata.name'): StatusCause[] {
  return nameErrors(r, name).map((m) => ({ reason: CauseType.fieldValueInvalid, message: `Invalid value: ${JSON.stringify(name)}: ${m}`, field }));
}

/** Validates a namespace name used in a path or object (a DNS-1123 label). */
export function namespaceNameErrors(ns: string): string[] {
  return labelErrors(ns);
}
