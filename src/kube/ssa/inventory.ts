/**
 * Flux's inventory (`status.inventory` of a Kustomization): entries `{id: "<ns>_<name>_<group>_<kind>", v}`.
 */
import type { KubeObject } from '../object.js';
import { gvkOf, inventoryId, objectRefOf, parseInventoryId, type InventoryEntry } from '../identity.js';
import { ChangeSet } from './changeset.js';
import type { VersionedRef } from './types.js';

/** Flux's `status.inventory` shape. */
export interface Inventory {
  entries: InventoryEntry[];
}

/** The versioned reference of an object. Throws IdentityError when apiVersion/kind is missing. */
export function versionedRefOf(obj: KubeObject): VersionedRef {
  return { ...objectRefOf(obj), version: gvkOf(obj).version };
}

/** The reference of an inventory entry. Throws IdentityError on a malformed ID. */
export function refOfEntry(entry: InventoryEntry): VersionedRef {
  return { ...parseInventoryId(entry.id), version: entry.v };
}

/** The references of every inventory entry, in order. */
export function inventoryRefs(inv: Inventory | undefined): VersionedRef[] {
  return (inv?.entries ?? []).map(refOfEntry);
}

/** The inventory of a change set (see {@link ChangeSet.toInventory}) or of a list of objects (sorted, deduplicated). */
export function inventoryOf(from: ChangeSet | readonly KubeObject[]): Inventory {
  if (from instanceof ChangeSet) return from.toInventory();
  const cs = new ChangeSet();
  for (const o of from) {
    const ref = versionedRefOf(o);
    cs.add({ ref, subject: '', action: 'unchanged' });
  }
  return cs.toInventory();
}

/**
 * The objects in `old` that are not in `next` (compared by ID: a version change is not stale), in the
 * order of `old`: what to prune.
 */
export function staleEntries(old: Inventory | undefined, next: Inventory): VersionedRef[] {
  const keep = new Set(next.entries.map((e) => e.id));
  return (old?.entries ?? []).filter((e) => !keep.has(e.id)).map(refOfEntry);
}

/** The inventory ID of a reference. */
export function idOf(ref: VersionedRef): string {
  return inventoryId(ref);
}
