/** Flux's post-build variable substitution: the envsubst dialect and its per-object application. */
export * from './envsubst.js';
export * from './substitute.js';
