/**
 * Evaluation of SubjectAccessReview, SelfSubjectAccessReview and LocalSubjectAccessReview
 * (authorization.k8s.io/v1), the create-only virtual resources `kubectl auth can-i` posts. The server creates
 * nothing: it returns the review with `status` filled by {@link accessReviewStatus}.
 */
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../kube/object.js';
import type { Authorizer, RequestAttributes, UserInfo } from '../plugins.js';

function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** The request attributes a review's spec asks about. `requester` is used for SelfSubjectAccessReview. */
export function reviewAttributes(review: KubeObject, requester?: UserInfo): RequestAttributes {
  const spec = isJsonObject(review.spec as JsonValue) ? (review.spec as JsonObject) : {};
  const self = review.kind === 'SelfSubjectAccessReview';
  const user: UserInfo = self && requester ? requester : { name: str(spec.user), groups: Array.isArray(spec.groups) ? spec.groups.filter((g): g is string => typeof g === 'string') : [] };
  const ra = isJsonObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nra = isJsonObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (nra && !ra) {
    return { user, verb: str(nra.verb), apiRequest: false, nonResourcePath: str(nra.path), group: '', version: '', resource: '' };
  }
  const namespace = review.kind === 'LocalSubjectAccessReview' ? review.metadata.namespace ?? str(ra?.namespace) : str(ra?.namespace);
  const out: RequestAttributes = { user, verb: str(ra?.verb), apiRequest: true, group: str(ra?.group), version: str(ra?.version), resource: str(ra?.resource) };
  if (str(ra?.subresource)) out.subresource = str(ra?.subresource);
  if (namespace) out.namespace = namespace;
  if (str(ra?.name)) out.name = str(ra?.name);
  return out;
}

/** The `status` of an access review: `{allowed, reason?}` (and `denied: false` is omitted as the API server does). */
export function accessReviewStatus(authorizer: Authorizer, review: KubeObject, requester?: UserInfo): JsonObject {
  const d = authorizer.authorize(reviewAttributes(review, requester));
  const status: JsonObject = { allowed: d.allowed };
  if (d.reason) status.reason = d.reason;
  return status;
}

/** The review object returned to the client: the request as sent plus `status`. */
export function evaluateAccessReview(authorizer: Authorizer, review: KubeObject, requester?: UserInfo): KubeObject {
  const out = structuredClone(review);
  out.status = accessReviewStatus(authorizer, review, requester);
  return out;
}
