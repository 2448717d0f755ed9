/**
 * The RBAC decision over a snapshot of Roles, ClusterRoles and their bindings: `system:masters` may do
 * anything; otherwise a ClusterRoleBinding (any namespace) or a RoleBinding in the request's namespace must
 * bind one of the user's identities to a role with a matching rule. ClusterRoles with an `aggregationRule`
 * also carry the rules of every ClusterRole their selectors match (as the aggregation controller would write).
 */
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../kube/object.js';
import type { AuthorizationDecision, RequestAttributes, UserInfo } from '../plugins.js';
import { parseRules, ruleAllows, type PolicyRule } from './rules.js';

/** A subject of a binding. */
export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

/** A parsed RoleBinding or ClusterRoleBinding. */
export interface Binding {
  name: string;
  /** Empty for ClusterRoleBindings. */
  namespace: string;
  roleKind: 'Role' | 'ClusterRole';
  roleName: string;
  subjects: Subject[];
}

/** Everything the decision reads. */
export interface RbacSnapshot {
  /** Role rules by `namespace/name`. */
  roles: Map<string, PolicyRule[]>;
  /** ClusterRole rules by name (aggregation already applied). */
  clusterRoles: Map<string, PolicyRule[]>;
  clusterRoleBindings: Binding[];
  /** RoleBindings by namespace. */
  roleBindings: Map<string, Binding[]>;
}

function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** Parses a binding object (either kind). */
export function parseBinding(o: KubeObject): Binding | undefined {
  const ref = isJsonObject(o.roleRef as JsonValue) ? (o.roleRef as JsonObject) : undefined;
  const kind = str(ref?.kind);
  if (kind !== 'Role' && kind !== 'ClusterRole') return undefined;
  const subjects = Array.isArray(o.subjects) ? (o.subjects as JsonValue[]).filter(isJsonObject) : [];
  return {
    name: o.metadata.name ?? '',
    namespace: o.metadata.namespace ?? '',
    roleKind: kind,
    roleName: str(ref?.name),
    subjects: subjects.map((s) => ({ kind: str(s.kind), name: str(s.name), namespace: str(s.namespace) || undefined })),
  };
}

/** True when a ClusterRole's labels match one aggregation selector (an empty selector matches nothing). */
export function labelsMatch(labels: Record<string, string>, sel: unknown): boolean {
  if (!isJsonObject(sel)) return false;
  const ml = isJsonObject(sel.matchLabels) ? sel.matchLabels : {};
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.filter(isJsonObject) : [];
  if (Object.keys(ml).length === 0 && exprs.length === 0) return false;
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of exprs) {
    const key = str(e.key);
    const vals = Array.isArray(e.values) ? e.values : [];
    const has = key in labels;
    if (e.operator === 'In' && !(has && vals.includes(labels[key] ?? ''))) return false;
    if (e.operator === 'NotIn' && has && vals.includes(labels[key] ?? '')) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Builds a snapshot from raw objects, resolving ClusterRole aggregation. */
export function buildSnapshot(objs: { roles: KubeObject[]; clusterRoles: KubeObject[]; roleBindings: KubeObject[]; clusterRoleBindings: KubeObject[] }): RbacSnapshot {
  const roles = new Map<string, PolicyRule[]>();
  for (const r of objs.roles) roles.set(`${r.metadata.namespace ?? ''}/${r.metadata.name ?? ''}`, parseRules(r.rules as JsonValue));
  const clusterRoles = new Map<string, PolicyRule[]>();
  for (const r of objs.clusterRoles) clusterRoles.set(r.metadata.name ?? '', parseRules(r.rules as JsonValue));
  // Aggregation converges transitively (view -> edit -> admin), as the controller's repeated writes would.
  const aggregated = objs.clusterRoles.filter((r) => isJsonObject(r.aggregationRule as JsonValue));
  for (let pass = 0; pass < 5; pass++) {
    let changed = false;
    for (const r of aggregated) {
      const selectors = (r.aggregationRule as JsonObject).clusterRoleSelectors;
      if (!Array.isArray(selectors)) continue;
      const own = parseRules(r.rules as JsonValue);
      const seen = new Set(own.map((x) => JSON.stringify(x)));
      const rules = [...own];
      for (const other of objs.clusterRoles) {
        if (other === r || !selectors.some((sel) => labelsMatch(other.metadata.labels ?? {}, sel))) continue;
        for (const rule of clusterRoles.get(other.metadata.name ?? '') ?? []) {
          const k = JSON.stringify(rule);
          if (!seen.has(k)) {
            seen.add(k);
            rules.push(rule);
          }
        }
      }
      const name = r.metadata.name ?? '';
      if ((clusterRoles.get(name) ?? []).length !== rules.length) changed = true;
      clusterRoles.set(name, rules);
    }
    if (!changed) break;
  }
  const roleBindings = new Map<string, Binding[]>();
  for (const o of objs.roleBindings) {
    const b = parseBinding(o);
    if (!b) continue;
    const list = roleBindings.get(b.namespace) ?? [];
    list.push(b);
    roleBindings.set(b.namespace, list);
  }
  const clusterRoleBindings = objs.clusterRoleBindings.map(parseBinding).filter((b): b is Binding => b !== undefined && b.roleKind === 'ClusterRole');
  return { roles, clusterRoles, roleBindings, clusterRoleBindings };
}

/** The ServiceAccount a user name stands for (`system:serviceaccount:<ns>:<name>`), if any. */
export function serviceAccountOf(user: string): { namespace: string; name: string } | undefined {
  const parts = user.split(':');
  if (parts.length !== 4 || parts[0] !== 'system' || parts[1] !== 'serviceaccount' || !parts[2] || !parts[3]) return undefined;
  return { namespace: parts[2], name: parts[3] };
}

/** True when the subject names this user (bindingNamespace fills an empty ServiceAccount namespace). */
export function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string): boolean {
  if (s.kind === 'User') return s.name === user.name;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  if (s.kind === 'ServiceAccount') {
    const sa = serviceAccountOf(user.name);
    return sa !== undefined && sa.name === s.name && sa.namespace === (s.namespace ?? bindingNamespace);
  }
  return false;
}

/** Adds the groups every authenticated user and every service account carries, as the authenticator would. */
export function withImpliedGroups(user: UserInfo): UserInfo {
  const groups = new Set(user.groups);
  const sa = serviceAccountOf(user.name);
  if (sa) {
    groups.add('system:serviceaccounts');
    groups.add(`system:serviceaccounts:${sa.namespace}`);
  }
  if (user.name !== 'system:anonymous' && !groups.has('system:unauthenticated')) groups.add('system:authenticated');
  return { name: user.name, groups: [...groups] };
}

function describeSubject(user: UserInfo, s: Subject, bindingNamespace: string): string {
  if (s.kind === 'Group') return `Group "${s.name}"`;
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.name}/${s.namespace ?? bindingNamespace}"`;
  return `User "${user.name}"`;
}

function tryBinding(snap: RbacSnapshot, b: Binding, a: RequestAttributes, user: UserInfo): string | undefined {
  const subject = b.subjects.find((s) => subjectMatches(s, user, b.namespace));
  if (!subject) return undefined;
  const rules = b.roleKind === 'ClusterRole' ? snap.clusterRoles.get(b.roleName) : snap.roles.get(`${b.namespace}/${b.roleName}`);
  if (!rules || !rules.some((r) => ruleAllows(r, a))) return undefined;
  const where = b.namespace ? `RoleBinding "${b.name}/${b.namespace}"` : `ClusterRoleBinding "${b.name}"`;
  const role = b.roleKind === 'ClusterRole' ? `ClusterRole "${b.roleName}"` : `Role "${b.roleName}"`;
  return `RBAC: allowed by ${where} of ${role} to ${describeSubject(user, subject, b.namespace)}`;
}

/** The RBAC decision for one request (the reason names the binding that allowed it). */
export function authorizeWith(snap: RbacSnapshot, a: RequestAttributes): AuthorizationDecision {
  const user = withImpliedGroups(a.user);
  if (user.groups.includes('system:masters')) return { allowed: true, reason: 'system:masters' };
  for (const b of snap.clusterRoleBindings) {
    const why = tryBinding(snap, b, a, user);
    if (why) return { allowed: true, reason: why };
  }
  if (a.apiRequest && a.namespace) {
    for (const b of snap.roleBindings.get(a.namespace) ?? []) {
      const why = tryBinding(snap, b, a, user);
      if (why) return { allowed: true, reason: why };
    }
  }
  return { allowed: false, reason: '' };
}
