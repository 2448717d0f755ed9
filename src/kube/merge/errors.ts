/**
 * Typed errors of the merge engine. Every error names the path (JSON pointer style, `/spec/containers/0`)
 * where the input was wrong, so callers (the local cluster, kustomize, the SSA manager) can report it.
 */

/** What kind of input was wrong. */
export const MergeErrorCode = {
  /** The patch document itself is malformed (not an object/array, missing op, bad pointer…). */
  invalidPatch: 'InvalidPatch',
  /** A JSON Patch `test` operation failed. */
  testFailed: 'TestFailed',
  /** A path does not exist where the operation needs it to. */
  pathNotFound: 'PathNotFound',
  /** The value at a path has the wrong type (e.g. a list where the schema wants a map). */
  typeMismatch: 'TypeMismatch',
  /** An unknown `$patch` or other directive value. */
  invalidDirective: 'InvalidDirective',
  /** A list element lacks its merge key, or keys are duplicated. */
  invalidMergeKey: 'InvalidMergeKey',
  /** Server-side apply found fields owned by other managers (see `conflicts`). */
  conflict: 'Conflict',
} as const;
export type MergeErrorCode = (typeof MergeErrorCode)[keyof typeof MergeErrorCode];

/** An error from the merge engine, with the path it is about. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
  constructor(
    readonly code: MergeErrorCode,
    /** JSON pointer of the offending place, `''` for the root. */
    readonly path: string,
    message: string,
  ) {
    super(path ? `${message} (at ${path})` : message);
  }
}

/** Escapes one JSON pointer token (RFC 6901). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins a parent pointer and a token into a JSON pointer. */
export function pointerJoin(parent: string, token: string | number): string {
  return `${parent}/${escapePointerToken(String(token))}`;
}
