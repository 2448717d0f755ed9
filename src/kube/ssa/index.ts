/**
 * The SSA resource manager: the only way controllers write managed objects.
 *
 * ```ts
 * const rm = new ResourceManager({ client, fieldManager: 'kustomize-controller' });
 * const cs = await rm.apply(objects, { ownerLabels, force: spec.force });   // ChangeSet
 * event(cs.toMessage());                                                   // "Deployment/ns/app configured"
 * const inv = cs.toInventory();                                            // status.inventory
 * if (spec.prune) await rm.deleteAll(staleEntries(status.inventory, inv), { ownerLabels });
 * if (spec.wait) await rm.wait(inventoryRefs(inv), { timeoutMs });         // throws HealthCheckError
 * ```
 * Errors: {@link ApplyError} (per-object failures, `Kind/ns/name dry-run failed: …`), {@link HealthCheckError}.
 */
export * from './types.js';
export * from './changeset.js';
export * from './inventory.js';
export * from './errors.js';
export * from './annotations.js';
export * from './manager.js';
export { maskSecrets, scrubSecretValues, secretMask, unifiedDiff } from './diff.js';
export { compareForApply, stageOf } from './normalize.js';
export { applyIgnoreRules, targetMatches, type IgnoreRule, type IgnoreTarget } from './ignore.js';
