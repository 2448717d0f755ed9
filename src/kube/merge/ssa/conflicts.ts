/**
 * Apply conflicts and the message the API server answers a conflicting apply with (HTTP 409).
 */

/** A field another manager owns that an apply would change. */
export interface FieldConflict {
  /** The other field manager's name. */
  manager: string;
  /** Kube-style path: `.spec.replicas`, `.spec.template.spec.containers[name="app"].image`. */
  path: string;
  /** The other manager's operation; when absent it is printed as an Update manager. */
  operation?: 'Apply' | 'Update';
  /** API version of the other manager's entry (Update managers are printed `using <apiVersion>`). */
  apiVersion?: string;
  /** Subresource of the other manager's entry. */
  subresource?: string;
}

function printManager(c: FieldConflict, apiVersion: string): string {
  let s = JSON.stringify(c.manager);
  if (c.subresource) s += ` with subresource ${JSON.stringify(c.subresource)}`;
  if (c.operation !== 'Apply') s += ` using ${c.apiVersion || apiVersion}`;
  return s;
}

/**
 * The API server's 409 message: `Apply failed with 1 conflict: conflict with "kubectl-edit" using
 * apps/v1: .spec.replicas`, or for several, grouped by manager (sorted) with one `- path` line each:
 * `Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n- .spec.replicas\n- …`.
 * `apiVersion` is used for conflicts that carry none.
 */
export function formatConflictMessage(conflicts: readonly FieldConflict[], apiVersion: string): string {
  if (conflicts.length === 1) {
    const c = conflicts[0] as FieldConflict;
    return `Apply failed with 1 conflict: conflict with ${printManager(c, apiVersion)}: ${c.path}`;
  }
  const byManager = new Map<string, FieldConflict[]>();
  for (const c of conflicts) {
    const key = printManager(c, apiVersion);
    const list = byManager.get(key);
    if (list) list.push(c);
    else byManager.set(key, [c]);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${key}:`);
    for (const c of byManager.get(key) as FieldConflict[]) lines.push(`- ${c.path}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The `details.causes` of the API server's 409 Status: one `FieldManagerConflict` cause per path. */
export function conflictCauses(conflicts: readonly FieldConflict[], apiVersion: string): { reason: string; message: string; field: string }[] {
  return conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c, apiVersion)}`, field: c.path }));
}
