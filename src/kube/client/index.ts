/** The kube client: kubeconfig, raw REST, discovery/REST mapper, error classification, rate limit. */
export * from './errors.js';
export * from './config.js';
export * from './ratelimit.js';
export * from './transport.js';
export * from './discovery.js';
export * from './client.js';
