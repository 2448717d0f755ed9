/**
 * A cluster controller that creates the default RBAC policy at start (objects that already exist are left as
 * they are, so users may edit them) and keeps aggregated ClusterRoles' `rules` filled, as the API server's
 * clusterrole-aggregation controller does.
 */
import type { JsonObject, KubeObject } from '../../kube/object.js';
import { isApiError } from '../errors.js';
import type { ClusterController, InternalClient, ResourceRef } from '../plugins.js';
import { aggregatedRules, bootstrapPolicy } from './bootstrap.js';
import { labelsMatch } from './evaluate.js';
import { jsonEqual } from '../../kube/object.js';

const ref = (resource: string): ResourceRef => ({ group: 'rbac.authorization.k8s.io', version: 'v1', resource });

/** Creates missing bootstrap objects; returns how many were created. */
export function ensureBootstrapPolicy(api: InternalClient): number {
  let created = 0;
  for (const o of bootstrapPolicy()) {
    const r = ref(o.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings');
    if (api.get(r, o.metadata.name ?? '')) continue;
    try {
      api.create(r, o);
      created++;
    } catch (e) {
      if (!(isApiError(e) && e.code === 409)) throw e;
    }
  }
  return created;
}

/** Writes the aggregated rules into every ClusterRole with an aggregationRule whose rules differ. */
export function reconcileAggregation(api: InternalClient): number {
  let updated = 0;
  for (let pass = 0; pass < 5; pass++) {
    const all = api.list(ref('clusterroles')).items;
    let changed = 0;
    for (const role of all) {
      const rules = aggregatedRules(role, all, labelsMatch);
      if (!rules || jsonEqual(rules, (role.rules ?? []) as JsonObject[])) continue;
      try {
        api.update(ref('clusterroles'), { ...role, rules } as KubeObject);
        changed++;
      } catch (e) {
        if (!(isApiError(e) && (e.code === 409 || e.code === 404))) throw e;
      }
    }
    updated += changed;
    if (changed === 0) break;
  }
  return updated;
}

/** The controller: bootstrap once, then re-aggregate whenever a ClusterRole changes. */
export function rbacBootstrapController(): ClusterController {
  let unsubscribe: (() => void) | undefined;
  let pending = false;
  let stopped = false;
  return {
    name: 'rbac-bootstrap',
    start(api) {
      ensureBootstrapPolicy(api);
      reconcileAggregation(api);
      unsubscribe = api.watch(ref('clusterroles'), api.currentResourceVersion(), () => {
        if (pending || stopped) return;
        pending = true;
        setImmediate(() => {
          pending = false;
          if (stopped) return;
          try {
            reconcileAggregation(api);
          } catch {
            // the next ClusterRole change retries
          }
        });
      });
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      await Promise.resolve();
    },
  };
}
