/**
 * The RBAC authorizer of the local cluster: decisions from {@link authorizeWith} over a snapshot of the RBAC
 * objects read through the InternalClient. The snapshot is rebuilt lazily when the cluster's resourceVersion
 * moved since it was built (and at most once per request), so a RoleBinding is effective for the very next
 * request after it is written; `system:masters` requests never touch the snapshot.
 */
import type { KubeObject } from '../../kube/object.js';
import type { AuthorizationDecision, Authorizer, InternalClient, RequestAttributes, ResourceRef } from '../plugins.js';
import { authorizeWith, buildSnapshot, withImpliedGroups, type RbacSnapshot } from './evaluate.js';

const ref = (resource: string): ResourceRef => ({ group: 'rbac.authorization.k8s.io', version: 'v1', resource });

/** Reads every RBAC object through the client (all namespaces). */
export function readRbacObjects(client: Pick<InternalClient, 'list'>): { roles: KubeObject[]; clusterRoles: KubeObject[]; roleBindings: KubeObject[]; clusterRoleBindings: KubeObject[] } {
  const all = (r: string): KubeObject[] => {
    try {
      return client.list(ref(r)).items;
    } catch {
      return [];
    }
  };
  return { roles: all('roles'), clusterRoles: all('clusterroles'), roleBindings: all('rolebindings'), clusterRoleBindings: all('clusterrolebindings') };
}

/** An RBAC authorizer plus a way to look at its current snapshot (tests, access reviews). */
export interface RbacAuthorizer extends Authorizer {
  /** The snapshot current for the cluster's latest resourceVersion. */
  snapshot(): RbacSnapshot;
}

/** Creates the RBAC authorizer over the cluster's internal client. */
export function rbacAuthorizer(client: Pick<InternalClient, 'list' | 'currentResourceVersion'>): RbacAuthorizer {
  let snap: RbacSnapshot | undefined;
  let builtAt = '';
  const current = (): RbacSnapshot => {
    const rv = client.currentResourceVersion();
    if (!snap || rv !== builtAt) {
      snap = buildSnapshot(readRbacObjects(client));
      builtAt = rv;
    }
    return snap;
  };
  return {
    snapshot: current,
    authorize(attrs: RequestAttributes): AuthorizationDecision {
      if (withImpliedGroups(attrs.user).groups.includes('system:masters')) return { allowed: true };
      return authorizeWith(current(), attrs);
    },
  };
}
