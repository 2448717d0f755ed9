/**
 * Removing what an applier stopped applying, as structured-merge-diff's Updater prunes after an apply:
 * everything the applier applied last time is removed, then what any manager still owns is added back,
 * then what went only because its parent went, unless the applier had applied it itself. Struct fields
 * that have children count as members throughout (EnsureNamedFieldsAreMembers).
 */
import type { JsonObject } from '../../object.js';
import { isJsonObject } from '../../object.js';
import type { SchemaNode } from '../../schema/types.js';
import { FieldSet } from './fieldset.js';
import { ensureNamedFieldsAreMembers, fieldSetOf, removeItems } from './typed.js';

/** Input of {@link prune}. */
export interface PruneOptions {
  /** The field sets of every manager after the apply (the applier's is its new configuration's set). */
  sets: readonly FieldSet[];
  /** The applier's set before the apply. */
  lastSet: FieldSet;
  schema: SchemaNode | undefined;
}

/**
 * The merged object pruned of what the applier applied before and no longer applies (see the module
 * comment). Unchanged subtrees are shared with `merged`.
 */
export function prune(merged: JsonObject, opts: PruneOptions): JsonObject {
  const { schema } = opts;
  const lastNamed = ensureNamedFieldsAreMembers(opts.lastSet, schema);
  const pruned = removeItems(merged, lastNamed, schema) ?? {};
  let managedAll = new FieldSet();
  for (const s of opts.sets) managedAll = managedAll.union(s);
  const named = { named: true };
  const mergedNamed = fieldSetOf(merged, schema, named);
  const prunedNamed = fieldSetOf(pruned, schema, named);
  // Add back what any manager still owns …
  const keep = prunedNamed.union(ensureNamedFieldsAreMembers(managedAll, schema));
  const withOwned = removeItems(merged, mergedNamed.difference(keep), schema) ?? {};
  // … and whatever was removed only because its parent went, unless this manager had applied it.
  const ownedNamed = fieldSetOf(withOwned, schema, named);
  const result = removeItems(merged, mergedNamed.difference(ownedNamed).intersection(lastNamed), schema) ?? {};
  return isJsonObject(result) ? result : {};
}
