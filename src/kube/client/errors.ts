/**
 * Classification of API server failures, done once at the client boundary: every failed request becomes a
 * {@link KubeApiError} whose `reason` is decided by the HTTP status code (and, where Kubernetes overloads a
 * code, by the `reason` field of the returned `Status` object) — never by matching message text.
 */

/** Why an API request failed. Mirrors the `Status.reason` values of Kubernetes that callers branch on. */
export const ApiReason = {
  BadRequest: 'BadRequest',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Gone',
  /** 410 with `reason: Expired` (a watch or list continue token too old); treated like Gone by callers. */
  Expired: 'Expired',
  UnsupportedMediaType: 'UnsupportedMediaType',
  Invalid: 'Invalid',
  TooManyRequests: 'TooManyRequests',
  InternalError: 'InternalError',
  ServiceUnavailable: 'ServiceUnavailable',
  Timeout: 'Timeout',
  /** The request never got an HTTP answer (connection refused/reset, DNS, TLS). */
  Network: 'Network',
  Unknown: 'Unknown',
} as const;
export type ApiReason = (typeof ApiReason)[keyof typeof ApiReason];

/** What the request was about, carried by every error for messages and logs. */
export interface RequestTarget {
  method: string;
  /** The URL path and query sent (never credentials). */
  path: string;
}

/** A failed request to the API server. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  /** HTTP status code; 0 when no response arrived. */
  readonly code: number;
  readonly reason: ApiReason;
  readonly method: string;
  readonly path: string;
  /** The `Status` object returned by the server, when it sent one. */
  readonly status: Record<string, unknown> | undefined;
  /** Seconds the server asked us to wait (`Retry-After` or `Status.details.retryAfterSeconds`). */
  readonly retryAfterSeconds: number | undefined;

  constructor(opts: {
    code: number;
    reason: ApiReason;
    message: string;
    target: RequestTarget;
    status?: Record<string, unknown>;
    retryAfterSeconds?: number;
    cause?: unknown;
  }) {
    super(`${opts.target.method} ${opts.target.path}: ${opts.message}`, { cause: opts.cause });
    this.code = opts.code;
    this.reason = opts.reason;
    this.method = opts.target.method;
    this.path = opts.target.path;
    this.status = opts.status;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

const byCode: Record<number, ApiReason> = {
  400: ApiReason.BadRequest,
  401: ApiReason.Unauthorized,
  403: ApiReason.Forbidden,
  404: ApiReason.NotFound,
  405: ApiReason.MethodNotAllowed,
  406: ApiReason.NotAcceptable,
  409: ApiReason.Conflict,
  410: ApiReason.Gone,
  415: ApiReason.UnsupportedMediaType,
  422: ApiReason.Invalid,
  429: ApiReason.TooManyRequests,
  500: ApiReason.InternalError,
  503: ApiReason.ServiceUnavailable,
  504: ApiReason.Timeout,
};

/**
 * The reason for an HTTP status code. The `Status.reason` sent by the server refines codes Kubernetes
 * overloads: 409 `AlreadyExists` vs `Conflict`, 410 `Expired` vs `Gone`, 500 `Timeout`/`ServerTimeout`.
 */
export function classifyStatusCode(code: number, statusReason?: string): ApiReason {
  if (code === 409 && statusReason === 'AlreadyExists') return ApiReason.AlreadyExists;
  if (code === 410 && statusReason === 'Expired') return ApiReason.Expired;
  if ((code === 500 || code === 504) && (statusReason === 'Timeout' || statusReason === 'ServerTimeout')) return ApiReason.Timeout;
  if (code === 403 && statusReason === 'Timeout') return ApiReason.Timeout;
  const known = byCode[code];
  if (known) return known;
  if (code >= 500) return ApiReason.InternalError;
  return ApiReason.Unknown;
}

/** Builds the error for a non-2xx answer from its code, headers and (possibly non-JSON) body. */
export function errorFromResponse(opts: {
  code: number;
  body: string;
  target: RequestTarget;
  retryAfterHeader?: string | undefined;
}): KubeApiError {
  let status: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(opts.body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) status = parsed as Record<string, unknown>;
  } catch {
    status = undefined;
  }
  const statusReason = typeof status?.['reason'] === 'string' ? status['reason'] : undefined;
  const msg = typeof status?.['message'] === 'string' ? status['message'] : opts.body.slice(0, 500).trim() || `HTTP ${opts.code}`;
  const details = status?.['details'];
  const detailRetry =
    typeof details === 'object' && details !== null && typeof (details as Record<string, unknown>)['retryAfterSeconds'] === 'number'
      ? ((details as Record<string, unknown>)['retryAfterSeconds'] as number)
      : undefined;
  const headerRetry = opts.retryAfterHeader !== undefined && /^\d+$/.test(opts.retryAfterHeader) ? Number(opts.retryAfterHeader) : undefined;
  return new KubeApiError({
    code: opts.code,
    reason: classifyStatusCode(opts.code, statusReason),
    message: msg,
    target: opts.target,
    ...(status ? { status } : {}),
    ...(headerRetry ?? detailRetry) !== undefined ? { retryAfterSeconds: (headerRetry ?? detailRetry) as number } : {},
  });
}

function reasonOf(err: unknown): ApiReason | undefined {
  return err instanceof KubeApiError ? err.reason : undefined;
}

/** True when the object (or its kind) does not exist. */
export const isNotFound = (err: unknown): boolean => reasonOf(err) === ApiReason.NotFound;
/** True for an optimistic-concurrency or apply conflict (409 other than AlreadyExists). */
export const isConflict = (err: unknown): boolean => reasonOf(err) === ApiReason.Conflict;
/** True when a create found the object already there. */
export const isAlreadyExists = (err: unknown): boolean => reasonOf(err) === ApiReason.AlreadyExists;
/** True when a watch/list resourceVersion is too old (410 Gone or Expired): relist. */
export const isGone = (err: unknown): boolean => reasonOf(err) === ApiReason.Gone || reasonOf(err) === ApiReason.Expired;
/** True when the server rejected the object as invalid (422). */
export const isInvalid = (err: unknown): boolean => reasonOf(err) === ApiReason.Invalid;
/** True for 429 (client or server-side throttling). */
export const isTooManyRequests = (err: unknown): boolean => reasonOf(err) === ApiReason.TooManyRequests;
/** True for 403. */
export const isForbidden = (err: unknown): boolean => reasonOf(err) === ApiReason.Forbidden;
/** True for 401. */
export const isUnauthorized = (err: unknown): boolean => reasonOf(err) === ApiReason.Unauthorized;

/** True for failures worth retrying as they are: network, timeouts, throttling, 5xx. */
export function isRetryable(err: unknown): boolean {
  const r = reasonOf(err);
  return (
    r === ApiReason.Network ||
    r === ApiReason.Timeout ||
    r === ApiReason.TooManyRequests ||
    r === ApiReason.InternalError ||
    r === ApiReason.ServiceUnavailable
  );
}
