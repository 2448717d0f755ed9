/**
 * RBAC escalation prevention, as the API server's RBAC storage enforces it: a user may only create or update a
 * Role/ClusterRole whose rules they already hold (or with the `escalate` verb on it), and may only bind a role
 * whose rules they hold (or with the `bind` verb on it). `system:masters` is exempt.
 */
import { isJsonObject, type JsonValue, type KubeObject } from '../../kube/object.js';
import { ApiError, StatusReason } from '../errors.js';
import type { AdmissionPlugin, Authorizer, RequestAttributes, UserInfo } from '../plugins.js';
import { withImpliedGroups, type RbacSnapshot } from './evaluate.js';
import { parseRules, type PolicyRule } from './rules.js';

const group = 'rbac.authorization.k8s.io';

function base(user: UserInfo, namespace: string | undefined): Pick<RequestAttributes, 'user' | 'version'> & { namespace?: string } {
  const b: Pick<RequestAttributes, 'user' | 'version'> & { namespace?: string } = { user, version: '' };
  if (namespace) b.namespace = namespace;
  return b;
}

/** True when the user holds everything the rule grants (checked per apiGroup × resource × verb × name). */
export function covers(authorizer: Authorizer, user: UserInfo, rule: PolicyRule, namespace: string | undefined): boolean {
  if (rule.nonResourceURLs.length > 0) {
    return rule.nonResourceURLs.every((path) => rule.verbs.every((verb) => authorizer.authorize({ ...base(user, undefined), verb, apiRequest: false, nonResourcePath: path, group: '', resource: '' }).allowed));
  }
  const names = rule.resourceNames.length > 0 ? rule.resourceNames : [undefined];
  for (const g of rule.apiGroups) {
    for (const res of rule.resources) {
      const [resource = '', subresource] = res.split('/');
      for (const verb of rule.verbs) {
        for (const name of names) {
          const attrs: RequestAttributes = { ...base(user, namespace), verb, apiRequest: true, group: g, resource };
          if (subresource) attrs.subresource = subresource;
          if (name) attrs.name = name;
          if (!authorizer.authorize(attrs).allowed) return false;
        }
      }
    }
  }
  return true;
}

function quoteList(xs: readonly string[]): string {
  return `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;
}

/** A rule as the API server prints it in escalation errors. */
export function formatRule(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups.length > 0) parts.push(`APIGroups:${quoteList(r.apiGroups)}`);
  if (r.resources.length > 0) parts.push(`Resources:${quoteList(r.resources)}`);
  if (r.resourceNames.length > 0) parts.push(`ResourceNames:${quoteList(r.resourceNames)}`);
  if (r.nonResourceURLs.length > 0) parts.push(`NonResourceURLs:${quoteList(r.nonResourceURLs)}`);
  parts.push(`Verbs:${quoteList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

function escalationError(opts: { plural: string; name: string; user: UserInfo; missing: PolicyRule[] }): ApiError {
  const u = withImpliedGroups(opts.user);
  const msg =
    `${opts.plural}.${group} ${JSON.stringify(opts.name)} is forbidden: user ${JSON.stringify(u.name)} (groups=${quoteList(u.groups)}) ` +
    `is attempting to grant RBAC permissions not currently held:\n${opts.missing.map(formatRule).join('\n')}`;
  return new ApiError(403, StatusReason.forbidden, msg, { name: opts.name, group, kind: opts.plural });
}

function roleRules(snapshot: RbacSnapshot, obj: KubeObject): PolicyRule[] | undefined {
  const ref = obj.roleRef as JsonValue;
  if (!isJsonObject(ref) || typeof ref.name !== 'string') return undefined;
  return ref.kind === 'ClusterRole' ? snapshot.clusterRoles.get(ref.name) : snapshot.roles.get(`${obj.metadata.namespace ?? ''}/${ref.name}`);
}

/** Options of {@link rbacEscalationPlugin}. */
export interface EscalationOptions {
  authorizer: Authorizer;
  /** The current RBAC snapshot (for the rules of a referenced role). */
  snapshot: () => RbacSnapshot;
}

/** The admission plugin (validating) that refuses privilege escalation through RBAC objects. */
export function rbacEscalationPlugin(opts: EscalationOptions): AdmissionPlugin {
  return {
    name: 'RBACEscalation',
    validate(req) {
      if (req.resource.group !== group || (req.operation !== 'CREATE' && req.operation !== 'UPDATE') || !req.object || req.subresource) return;
      if (withImpliedGroups(req.user).groups.includes('system:masters')) return;
      const obj = req.object;
      const ns = req.resource.namespaced ? req.namespace : undefined;
      const name = obj.metadata.name ?? '';
      const plural = req.resource.plural;
      const allowedVerb = (verb: string, resource: string, resourceName: string): boolean =>
        opts.authorizer.authorize({ ...base(req.user, ns), verb, apiRequest: true, group, resource, name: resourceName }).allowed;
      let rules: PolicyRule[];
      if (plural === 'roles' || plural === 'clusterroles') {
        if (allowedVerb('escalate', plural, name)) return;
        rules = parseRules(obj.rules as JsonValue);
      } else if (plural === 'rolebindings' || plural === 'clusterrolebindings') {
        const ref = obj.roleRef as JsonValue;
        const refName = isJsonObject(ref) && typeof ref.name === 'string' ? ref.name : '';
        const refPlural = isJsonObject(ref) && ref.kind === 'ClusterRole' ? 'clusterroles' : 'roles';
        if (allowedVerb('bind', refPlural, refName)) return;
        rules = roleRules(opts.snapshot(), obj) ?? [];
      } else return;
      const missing = rules.filter((r) => !covers(opts.authorizer, req.user, r, ns));
      if (missing.length > 0) throw escalationError({ plural, name, user: req.user, missing });
    },
  };
}
