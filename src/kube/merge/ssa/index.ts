/**
 * Server-side apply field ownership: the API server's managedFields bookkeeping and apply merge, used by
 * the local cluster's PATCH (apply) and PUT/POST/PATCH handlers and by the SSA resource manager.
 */
export { serverSideApply, recordUpdate, nowRfc3339, BEFORE_FIRST_APPLY_MANAGER, ANCIENT_CHANGES_MANAGER, MAX_UPDATE_MANAGERS } from './apply.js';
export type { ApplyOptions, ApplyResult, UpdateOptions } from './apply.js';
export { formatConflictMessage, conflictCauses } from './conflicts.js';
export type { FieldConflict } from './conflicts.js';
export { FieldSet } from './fieldset.js';
export {
  decodeManagedFields,
  encodeManagedFields,
  managerId,
  setManagedFields,
  withoutManagedFields,
  ManagedFieldsError,
  MAX_MANAGED_ENTRIES,
} from './managedfields.js';
export type { ManagedFields, ManagerEntry, ManagedOperation } from './managedfields.js';
export { compareElements, elementToString, fieldElement, keyElement, pathToString, valueElement, indexElement } from './pathelement.js';
export { compareValues, ensureNamedFieldsAreMembers, fieldSetOf, isSame, mergeValues, removeItems, FieldPathError } from './typed.js';
export type { Comparison, FieldSetOptions } from './typed.js';
export { zeroObject } from './zero.js';
