/** Manifests of the install: components (CRDs, controllers) and the sync objects bootstrap writes. */
export * from './components.js';
export * from './sync.js';
