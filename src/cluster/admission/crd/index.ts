/** Custom resource handling against a CRD's structural schema: defaulting, pruning, validation. */
export { applyDefaults, pruneUnknownFields } from './prune-default.js';
export { validateCustomResource } from './validate.js';
export { crdVersionSchema } from './schema-walk.js';
