/** Kubernetes schema knowledge: built-in kinds from the generated table, CRDs at run time. */
export * from './types.js';
export { builtinSchemas, createSchemaCatalog, customResourceNode, SchemaCatalog, SchemaError, SchemaErrorCode, OBJECT_META_DEFINITION, CUSTOM_RESOURCE_VERBS } from './catalog.js';
export type { SchemaCatalogOptions } from './catalog.js';
export { kubernetesMinor, servedAt } from './lifecycle.js';
export { QUANTITY_DEFINITION } from './node.js';
export type { CustomResourceVersion } from './catalog.js';
export { compareVersionPriority } from './versions.js';
