/**
 * Status errors of the local cluster, shaped like the Kubernetes API server's `Status` objects
 * (`kind: Status, apiVersion: v1, status: Failure, message, reason, details, code`). Every layer of the
 * cluster (storage, admission, RBAC, handlers) throws {@link ApiError}; the HTTP layer serialises it with
 * {@link statusBody}. Callers classify by `code`/`reason`, never by message.
 */
import type { JsonObject } from '../kube/object.js';

/** Reasons the API server uses in `Status.reason`. */
export const StatusReason = {
  badRequest: 'BadRequest',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  notFound: 'NotFound',
  alreadyExists: 'AlreadyExists',
  conflict: 'Conflict',
  gone: 'Expired',
  invalid: 'Invalid',
  requestEntityTooLarge: 'RequestEntityTooLarge',
  unsupportedMediaType: 'UnsupportedMediaType',
  methodNotAllowed: 'MethodNotAllowed',
  notAcceptable: 'NotAcceptable',
  internalError: 'InternalError',
  timeout: 'Timeout',
  tooManyRequests: 'TooManyRequests',
} as const;
export type StatusReason = (typeof StatusReason)[keyof typeof StatusReason];

/** Cause types used in `details.causes[].reason` (Kubernetes' `CauseType`). */
export const CauseType = {
  fieldValueNotFound: 'FieldValueNotFound',
  fieldValueRequired: 'FieldValueRequired',
  fieldValueDuplicate: 'FieldValueDuplicate',
  fieldValueInvalid: 'FieldValueInvalid',
  fieldValueNotSupported: 'FieldValueNotSupported',
  fieldValueForbidden: 'FieldValueForbidden',
  fieldValueTooLong: 'FieldValueTooLong',
  fieldValueTypeInvalid: 'FieldValueTypeInvalid',
  unexpectedServerResponse: 'UnexpectedServerResponse',
  fieldManagerConflict: 'FieldManagerConflict',
  resourceVersionTooLarge: 'ResourceVersionTooLarge',
} as const;

/** One entry of `details.causes`. `field` is a dotted path such as `metadata.name` or `spec.replicas`. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** `Status.details`. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A failed API request, carrying everything the `Status` body needs. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status code (404, 409, 422…). */
    readonly code: number,
    readonly reason: StatusReason | string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }
}

/** True for an {@link ApiError}. */
export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** The qualified resource as the API server prints it in messages: `deployments.apps`, `configmaps`. */
export function qualifiedResource(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

/** Where an error is about: group, resource plural (for the message), kind and name (for details). */
export interface ErrorTarget {
  group: string;
  plural: string;
  kind?: string;
  name?: string;
}

function details(t: ErrorTarget, extra?: Partial<StatusDetails>): StatusDetails {
  const d: StatusDetails = {};
  if (t.name !== undefined) d.name = t.name;
  d.group = t.group;
  d.kind = t.plural;
  return { ...d, ...extra };
}

/** 404 `<resource> "<name>" not found`. */
export function notFound(t: ErrorTarget): ApiError {
  const what = qualifiedResource(t.group, t.plural);
  return new ApiError(404, StatusReason.notFound, `${what} "${t.name ?? ''}" not found`, details(t));
}

/** 409 AlreadyExists. */
export function alreadyExists(t: ErrorTarget): ApiError {
  const what = qualifiedResource(t.group, t.plural);
  return new ApiError(409, StatusReason.alreadyExists, `${what} "${t.name ?? ''}" already exists`, details(t));
}

/** 409 Conflict with the API server's optimistic-concurrency message (or a custom one). */
export function conflict(t: ErrorTarget, message?: string, causes?: StatusCause[]): ApiError {
  const what = qualifiedResource(t.group, t.plural);
  const msg =
    message ??
    `Operation cannot be fulfilled on ${what} "${t.name ?? ''}": the object has been modified; please apply your changes to the latest version and try again`;
  return new ApiError(409, StatusReason.conflict, msg, details(t, causes ? { causes } : undefined));
}

/** 422 Invalid: `<Kind>.<group> "<name>" is invalid: <causes joined>`. */
export function invalid(t: ErrorTarget & { kind: string }, causes: StatusCause[]): ApiError {
  const qk = t.group ? `${t.kind}.${t.group}` : t.kind;
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = parts.length === 1 ? parts[0] ?? '' : `[${parts.join(', ')}]`;
  const msg = `${qk} "${t.name ?? ''}" is invalid: ${joined}`;
  return new ApiError(422, StatusReason.invalid, msg, { name: t.name, group: t.group, kind: t.kind, causes });
}

/** 400 BadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, StatusReason.badRequest, message);
}

/** 403 Forbidden in the API server's words (`deployments.apps "x" is forbidden: User "u" cannot get resource …`). */
export function forbidden(opts: { user: string; verb: string; group: string; plural: string; name?: string; namespace?: string; reason?: string }): ApiError {
  const what = qualifiedResource(opts.group, opts.plural);
  const subject = opts.name ? `${what} "${opts.name}"` : what;
  const scope = opts.namespace ? ` in the namespace "${opts.namespace}"` : ' at the cluster scope';
  const tail = opts.reason ? `: ${opts.reason}` : '';
  const msg = `${subject} is forbidden: User "${opts.user}" cannot ${opts.verb} resource "${opts.plural}" in API group "${opts.group}"${scope}${tail}`;
  return new ApiError(403, StatusReason.forbidden, msg, details({ group: opts.group, plural: opts.plural, name: opts.name }));
}

/** 410 Gone for a watch or list from a resourceVersion older than the retained log. */
export function gone(message: string): ApiError {
  return new ApiError(410, StatusReason.gone, message);
}

/** 500 InternalError wrapping an unexpected exception. */
export function internalError(e: unknown): ApiError {
  const msg = e instanceof Error ? e.message : String(e);
  return new ApiError(500, StatusReason.internalError, `Internal error occurred: ${msg}`, { causes: [{ reason: CauseType.unexpectedServerResponse, message: msg }] });
}

/** Any thrown value as an ApiError (ApiErrors pass through). */
export function toApiError(e: unknown): ApiError {
  return isApiError(e) ? e : internalError(e);
}

/** The `Status` body of a failure. */
export function statusBody(e: ApiError): JsonObject {
  const body: JsonObject = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: e.message,
    reason: e.reason,
    code: e.code,
  };
  if (e.details) body.details = JSON.parse(JSON.stringify(e.details)) as JsonObject;
  return body;
}

/** The `Status` body of a success (used by delete of a gone object and deletecollection). */
export function successStatus(d?: StatusDetails): JsonObject {
  const body: JsonObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (d) body.details = JSON.parse(JSON.stringify(d)) as JsonObject;
  return body;
}
