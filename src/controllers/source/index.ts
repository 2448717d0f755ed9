/** The source controller: GitRepository reconciler, its controller factory, reasons. */
export * from './reasons.js';
export * from './auth.js';
export * from './include.js';
export * from './gitrepository.reconciler.js';
export * from './factory.js';
