/** The git CLI wrapper: validation, credentials, ls-remote, shallow checkout, classified errors. */
export * from './errors.js';
export * from './validate.js';
export * from './run.js';
export * from './auth.js';
export * from './refs.js';
export * from './http-refs.js';
export * from './client.js';
