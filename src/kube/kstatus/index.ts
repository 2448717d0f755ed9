/**
 * Health of Kubernetes objects: a port of kstatus' rules (cli-utils pkg/kstatus), see `compute.ts`.
 */
export * from './types.js';
export * from './compute.js';
