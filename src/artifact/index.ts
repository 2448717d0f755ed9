/** Artifacts: ignore rules, deterministic tar.gz, safe unpacking, digests, storage, HTTP server. */
export * from './errors.js';
export * from './tar.js';
export * from './ignore.js';
export * from './archive.js';
export * from './unpack.js';
export * from './digest.js';
export * from './storage.js';
export * from './server.js';
export * from './fetch.js';
