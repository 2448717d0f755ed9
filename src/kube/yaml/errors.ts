/** Typed errors of manifest reading. */

/** What was wrong with a manifest stream. */
export const ManifestErrorCode = {
  /** Not valid YAML (or JSON). */
  syntax: 'Syntax',
  /** Over `maxBytes`, `maxDocuments`, the alias budget or the nesting depth. */
  limit: 'Limit',
  /** Valid YAML that has no JSON/Kubernetes meaning: non-string keys, duplicate keys, NaN, bad tags… */
  invalid: 'Invalid',
  /** A document is not an object (a list or scalar) where objects are required. */
  notObject: 'NotObject',
} as const;
export type ManifestErrorCode = (typeof ManifestErrorCode)[keyof typeof ManifestErrorCode];

/** Where a manifest problem is: file, document (0-based index) and 1-based line/column when known. */
export interface ManifestLocation {
  source?: string;
  documentIndex?: number;
  line?: number;
  column?: number;
}

/** An error reading manifests, naming the source file, the document and the line. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  readonly source?: string;
  readonly documentIndex?: number;
  readonly line?: number;
  readonly column?: number;

  constructor(
    readonly code: ManifestErrorCode,
    /** The problem without the location prefix. */
    readonly detail: string,
    where: ManifestLocation = {},
  ) {
    super(`${formatLocation(where)}${detail}`);
    if (where.source !== undefined) this.source = where.source;
    if (where.documentIndex !== undefined) this.documentIndex = where.documentIndex;
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
  }
}

function formatLocation(w: ManifestLocation): string {
  const parts: string[] = [];
  if (w.source !== undefined) parts.push(w.source);
  if (w.documentIndex !== undefined) parts.push(`document ${w.documentIndex + 1}`);
  if (w.line !== undefined) parts.push(`line ${w.line}${w.column !== undefined ? `:${w.column}` : ''}`);
  return parts.length > 0 ? parts.join(', ') + ': ' : '';
}
