/**
 * The change set: what an apply or prune did, object by object. Events, inventory and messages are all
 * derived from it.
 */
import { inventoryId } from '../identity.js';
import type { KubeObject } from '../object.js';
import type { ChangeAction, ChangeSetEntry, VersionedRef } from './types.js';
import type { Inventory } from './inventory.js';

/** An ordered list of {@link ChangeSetEntry}; append-only. */
export class ChangeSet {
  readonly entries: ChangeSetEntry[] = [];
  /**
   * The objects as the server last returned them, by inventory ID: apply responses of created/configured
   * objects and the live objects read for unchanged/skipped ones (absent for dry runs and deletes). Health
   * waits start from these instead of reading every object again.
   */
  readonly objects = new Map<string, KubeObject>();

  constructor(entries: readonly ChangeSetEntry[] = []) {
    this.entries.push(...entries);
  }

  add(...entries: ChangeSetEntry[]): this {
    this.entries.push(...entries);
    return this;
  }

  /** Appends all entries (and objects) of another change set. */
  append(other: ChangeSet): this {
    for (const [id, o] of other.objects) this.objects.set(id, o);
    return this.add(...other.entries);
  }

  /** Records the object the server returned for `ref` (see {@link objects}). */
  remember(ref: VersionedRef, obj: KubeObject | undefined): this {
    if (obj) this.objects.set(inventoryId(ref), obj);
    return this;
  }

  /** True when an entry was created, configured or deleted. */
  hasChanges(): boolean {
    return this.entries.some((e) => e.action === 'created' || e.action === 'configured' || e.action === 'deleted');
  }

  /** Entries with one of these actions. */
  filter(...actions: ChangeAction[]): ChangeSetEntry[] {
    return this.entries.filter((e) => actions.includes(e.action));
  }

  /**
   * Flux's event text: one `Subject action` line per created/configured/deleted entry, in order
   * (`Deployment/apps/podinfo configured`). Unchanged and skipped entries are left out; `''` when nothing changed.
   */
  toMessage(): string {
    return this.filter('created', 'configured', 'deleted')
      .map((e) => `${e.subject} ${e.action}`)
      .join('\n');
  }

  /**
   * The inventory of the objects this change set leaves in the cluster (all entries except `deleted`;
   * `skipped` objects stay: Flux keeps `ssa: Ignore`/`IfNotPresent` objects in the inventory). Sorted by ID,
   * duplicates removed.
   */
  toInventory(): Inventory {
    const seen = new Map<string, string>();
    for (const e of this.entries) {
      if (e.action === 'deleted') continue;
      seen.set(inventoryId(e.ref), e.ref.version);
    }
    return { entries: [...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, v]) => ({ id, v })) };
  }
}
