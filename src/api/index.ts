/** Lockstep's API kinds: schemas, types, defaults and the CRD generator. */
export * from './schema.js';
export * from './duration.js';
export * from './meta.js';
export * from './gitrepository.js';
export * from './kustomization.js';
export * from './kinds.js';
export * from './crd.js';
