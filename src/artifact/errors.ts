/** Typed errors of the artifact layer, carrying the path they are about. */

/** Why an archive could not be written or read. */
export const ArchiveErrorKind = {
  /** A symlink points outside the tree (or is absolute). */
  SymlinkOutOfTree: 'symlink-out-of-tree',
  /** An entry name escapes the destination (`../`, absolute, through a symlink). */
  UnsafePath: 'unsafe-path',
  /** Size or count limits exceeded. */
  Limit: 'limit',
  /** Not a valid tar.gz, or an entry type that is not supported. */
  Malformed: 'malformed',
  /** The content does not match the expected digest. */
  DigestMismatch: 'digest-mismatch',
  /** Reading or writing the file system failed. */
  Io: 'io',
} as const;
export type ArchiveErrorKind = (typeof ArchiveErrorKind)[keyof typeof ArchiveErrorKind];

/** An archive error with the offending entry path (relative) when known. */
export class ArchiveError extends Error {
  constructor(
    readonly kind: ArchiveErrorKind,
    message: string,
    readonly path?: string,
    opts?: { cause?: unknown },
  ) {
    super(message, opts);
    this.name = 'ArchiveError';
  }
}

/** True when `e` is an {@link ArchiveError} (optionally of `kind`). */
export function isArchiveError(e: unknown, kind?: ArchiveErrorKind): e is ArchiveError {
  return e instanceof ArchiveError && (kind === undefined || e.kind === kind);
}
