/**
 * SelfSubjectRulesReview evaluation (`kubectl auth can-i --list`): every rule that applies to the requester
 * in a namespace, from ClusterRoleBindings and the namespace's RoleBindings.
 */
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../kube/object.js';
import type { UserInfo } from '../plugins.js';
import { subjectMatches, withImpliedGroups, type RbacSnapshot } from './evaluate.js';
import type { PolicyRule } from './rules.js';

/** The rules that apply to a user in a namespace (cluster-wide rules included), in binding order. */
export function rulesFor(snap: RbacSnapshot, user: UserInfo, namespace: string | undefined): PolicyRule[] {
  const u = withImpliedGroups(user);
  const out: PolicyRule[] = [];
  for (const b of snap.clusterRoleBindings) {
    if (b.subjects.some((s) => subjectMatches(s, u, ''))) out.push(...(snap.clusterRoles.get(b.roleName) ?? []));
  }
  for (const b of namespace ? (snap.roleBindings.get(namespace) ?? []) : []) {
    if (!b.subjects.some((s) => subjectMatches(s, u, b.namespace))) continue;
    out.push(...((b.roleKind === 'ClusterRole' ? snap.clusterRoles.get(b.roleName) : snap.roles.get(`${b.namespace}/${b.roleName}`)) ?? []));
  }
  return out;
}

/** The `status` of a SelfSubjectRulesReview (`spec.namespace`) for the requester. */
export function rulesReviewStatus(snap: RbacSnapshot, review: KubeObject, requester: UserInfo): JsonObject {
  const spec = isJsonObject(review.spec as JsonValue) ? (review.spec as JsonObject) : {};
  const ns = typeof spec.namespace === 'string' && spec.namespace ? spec.namespace : undefined;
  const resourceRules: JsonObject[] = [];
  const nonResourceRules: JsonObject[] = [];
  const seen = new Set<string>();
  for (const r of rulesFor(snap, requester, ns)) {
    const k = JSON.stringify(r);
    if (seen.has(k)) continue;
    seen.add(k);
    if (r.nonResourceURLs.length > 0) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
    if (r.resources.length > 0 || r.apiGroups.length > 0) {
      const rr: JsonObject = { verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources };
      if (r.resourceNames.length > 0) rr.resourceNames = r.resourceNames;
      resourceRules.push(rr);
    }
  }
  return { resourceRules, nonResourceRules, incomplete: false };
}

/** The review returned to the client: the request plus `status`. */
export function evaluateRulesReview(snap: RbacSnapshot, review: KubeObject, requester: UserInfo): KubeObject {
  const out = structuredClone(review);
  out.status = rulesReviewStatus(snap, review, requester);
  return out;
}
