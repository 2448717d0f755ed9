/**
 * RBAC for the local cluster (D2): the authorizer over Roles/ClusterRoles/bindings, the default cluster
 * roles created at startup by a controller, and SubjectAccessReview evaluation for `kubectl auth can-i`.
 */
export { rbacAuthorizer, readRbacObjects, type RbacAuthorizer } from './authorizer.js';
export { authorizeWith, buildSnapshot, parseBinding, serviceAccountOf, subjectMatches, withImpliedGroups, labelsMatch, type Binding, type RbacSnapshot, type Subject } from './evaluate.js';
export { parseRules, ruleAllows, type PolicyRule } from './rules.js';
export { bootstrapPolicy, aggregatedRules } from './bootstrap.js';
export { rbacBootstrapController, ensureBootstrapPolicy, reconcileAggregation } from './bootstrap-controller.js';
export { accessReviewStatus, evaluateAccessReview, reviewAttributes } from './access-review.js';
export { rbacEscalationPlugin, covers, formatRule, type EscalationOptions } from './escalation.js';
export { rulesFor, rulesReviewStatus, evaluateRulesReview } from './rules-review.js';
