/** The kustomize controller: Kustomization reconciler, clients, manifests, its controller factory, reasons. */
export * from './reasons.js';
export * from './clients.js';
export * from './manifests.js';
export * from './kustomization.reconciler.js';
export * from './factory.js';
