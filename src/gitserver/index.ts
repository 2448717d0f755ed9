/** The loopback git smart-HTTP server `lockstep up` serves its repository with. */
export * from './server.js';
