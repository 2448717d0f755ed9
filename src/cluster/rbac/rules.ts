/**
 * RBAC rule matching, as Kubernetes' RBAC authorizer decides it: verbs, apiGroups, resources (with
 * `resource/subresource`, `*` and `*\/subresource`), resourceNames, nonResourceURLs (exact or `prefix*`).
 */
import { isJsonObject, type JsonValue } from '../../kube/object.js';
import type { RequestAttributes } from '../plugins.js';

/** One PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

function strings(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Reads the `rules` of a Role/ClusterRole (malformed entries skipped). */
export function parseRules(v: JsonValue | undefined): PolicyRule[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isJsonObject).map((r) => ({
    verbs: strings(r.verbs),
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    resourceNames: strings(r.resourceNames),
    nonResourceURLs: strings(r.nonResourceURLs),
  }));
}

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.includes('*') || rule.verbs.includes(verb);
}

function resourceMatches(rule: PolicyRule, resource: string, sub: string | undefined): boolean {
  const combined = sub ? `${resource}/${sub}` : resource;
  return rule.resources.some((r) => r === '*' || r === combined || (sub !== undefined && r === `*/${sub}`));
}

function nonResourceMatches(rule: PolicyRule, path: string): boolean {
  return rule.nonResourceURLs.some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
}

/** True when the rule allows the request. */
export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!a.apiRequest) return nonResourceMatches(rule, a.nonResourcePath ?? '');
  if (!(rule.apiGroups.includes('*') || rule.apiGroups.includes(a.group))) return false;
  if (!resourceMatches(rule, a.resource, a.subresource)) return false;
  if (rule.resourceNames.length === 0) return true;
  return a.name !== undefined && a.name !== '' && rule.resourceNames.includes(a.name);
}
