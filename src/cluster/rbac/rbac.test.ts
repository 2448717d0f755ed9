import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/object.js';
import type { RequestAttributes, UserInfo } from '../plugins.js';
import { bootstrapPolicy } from './bootstrap.js';
import { accessReviewStatus, authorizeWith, buildSnapshot } from './index.js';

const rb = (name: string, ns: string, roleKind: string, roleName: string, subjects: Record<string, string>[]): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
  subjects,
});

const boot = bootstrapPolicy();
const snapshot = buildSnapshot({
  clusterRoles: [
    ...boot.filter((o) => o.kind === 'ClusterRole'),
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'widgets-view', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }, rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'node-reader' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }, { nonResourceURLs: ['/metrics', '/logs/*'], verbs: ['get'] }] },
  ],
  clusterRoleBindings: [
    ...boot.filter((o) => o.kind === 'ClusterRoleBinding'),
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'ops' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-reader' }, subjects: [{ kind: 'Group', name: 'ops' }] },
  ],
  roles: [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'cm-one', namespace: 'team' }, rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'], verbs: ['get', 'update'] }, { apiGroups: ['apps'], resources: ['deployments/status', '*/scale'], verbs: ['patch'] }] },
  ],
  roleBindings: [
    rb('flux', 'team', 'ClusterRole', 'edit', [{ kind: 'ServiceAccount', name: 'flux' }]),
    rb('alice', 'team', 'Role', 'cm-one', [{ kind: 'User', name: 'alice' }]),
    rb('viewers', 'team', 'ClusterRole', 'view', [{ kind: 'Group', name: 'system:serviceaccounts:other' }]),
    rb('imp', 'team', 'ClusterRole', 'admin', [{ kind: 'User', name: 'bob' }]),
  ],
});

const sa = (ns: string, name: string): UserInfo => ({ name: `system:serviceaccount:${ns}:${name}`, groups: [] });
const res = (user: UserInfo, verb: string, resource: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({ user, verb, apiRequest: true, group: '', version: 'v1', resource, ...extra });

test('RBAC decisions table', () => {
  const cases: [string, RequestAttributes, boolean][] = [
    ['masters can do anything', res({ name: 'admin', groups: ['system:masters'] }, 'delete', 'nodes'), true],
    ['edit via RoleBinding to an SA (namespace from the binding)', res(sa('team', 'flux'), 'create', 'deployments', { group: 'apps', namespace: 'team' }), true],
    ['edit does not reach other namespaces', res(sa('team', 'flux'), 'create', 'deployments', { group: 'apps', namespace: 'prod' }), false],
    ['edit cannot write roles', res(sa('team', 'flux'), 'create', 'roles', { group: 'rbac.authorization.k8s.io', namespace: 'team' }), false],
    ['edit includes view (aggregation is transitive)', res(sa('team', 'flux'), 'list', 'pods', { namespace: 'team' }), true],
    ['edit includes a CRD role aggregated to view', res(sa('team', 'flux'), 'get', 'widgets', { group: 'example.com', namespace: 'team' }), true],
    ['admin includes edit and rbac', res({ name: 'bob', groups: [] }, 'create', 'rolebindings', { group: 'rbac.authorization.k8s.io', namespace: 'team' }), true],
    ['admin includes deployments via edit', res({ name: 'bob', groups: [] }, 'delete', 'deployments', { group: 'apps', namespace: 'team' }), true],
    ['group system:serviceaccounts:<ns> implied', res(sa('other', 'x'), 'get', 'configmaps', { namespace: 'team' }), true],
    ['view cannot read secrets', res(sa('other', 'x'), 'get', 'secrets', { namespace: 'team' }), false],
    ['resourceNames allow the named object', res({ name: 'alice', groups: [] }, 'get', 'configmaps', { namespace: 'team', name: 'settings' }), true],
    ['resourceNames deny other names', res({ name: 'alice', groups: [] }, 'get', 'configmaps', { namespace: 'team', name: 'other' }), false],
    ['resourceNames deny list', res({ name: 'alice', groups: [] }, 'list', 'configmaps', { namespace: 'team' }), false],
    ['subresource rule', res({ name: 'alice', groups: [] }, 'patch', 'deployments', { group: 'apps', namespace: 'team', subresource: 'status' }), true],
    ['subresource rule does not grant the main resource', res({ name: 'alice', groups: [] }, 'patch', 'deployments', { group: 'apps', namespace: 'team' }), false],
    ['*/scale', res({ name: 'alice', groups: [] }, 'patch', 'statefulsets', { group: 'apps', namespace: 'team', subresource: 'scale' }), true],
    ['cluster-wide group binding', res({ name: 'carol', groups: ['ops'] }, 'list', 'nodes'), true],
    ['non-resource URL exact', { user: { name: 'carol', groups: ['ops'] }, verb: 'get', apiRequest: false, nonResourcePath: '/metrics', group: '', version: '', resource: '' }, true],
    ['non-resource URL prefix', { user: { name: 'carol', groups: ['ops'] }, verb: 'get', apiRequest: false, nonResourcePath: '/logs/x/y', group: '', version: '', resource: '' }, true],
    ['discovery for every authenticated user', { user: sa('x', 'y'), verb: 'get', apiRequest: false, nonResourcePath: '/apis/apps/v1', group: '', version: '', resource: '' }, true],
    ['nothing else for a plain user', res({ name: 'mallory', groups: [] }, 'get', 'pods', { namespace: 'team' }), false],
    ['impersonate serviceaccounts via edit', res(sa('team', 'flux'), 'impersonate', 'serviceaccounts', { namespace: 'team', name: 'other' }), true],
    ['impersonate users is not granted by edit', res(sa('team', 'flux'), 'impersonate', 'users', { name: 'admin' }), false],
  ];
  for (const [name, attrs, want] of cases) assert.equal(authorizeWith(snapshot, attrs).allowed, want, name);
});

test('allowed decisions name the binding; access reviews evaluate spec user or requester', () => {
  const d = authorizeWith(snapshot, res(sa('team', 'flux'), 'create', 'deployments', { group: 'apps', namespace: 'team' }));
  assert.equal(d.reason, 'RBAC: allowed by RoleBinding "flux/team" of ClusterRole "edit" to ServiceAccount "flux/team"');
  const authorizer = { authorize: (a: RequestAttributes) => authorizeWith(snapshot, a) };
  const sar: KubeObject = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: {}, spec: { user: 'system:serviceaccount:team:flux', resourceAttributes: { namespace: 'team', verb: 'delete', group: 'apps', resource: 'deployments' } } };
  assert.equal(accessReviewStatus(authorizer, sar).allowed, true);
  const self: KubeObject = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: { resourceAttributes: { namespace: 'team', verb: 'get', resource: 'secrets' } } };
  assert.deepEqual(accessReviewStatus(authorizer, self, sa('other', 'x')), { allowed: false });
});

test('rules review lists what applies in a namespace', async () => {
  const { rulesReviewStatus } = await import('./rules-review.js');
  const st = rulesReviewStatus(snapshot, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: {}, spec: { namespace: 'team' } }, { name: 'alice', groups: [] }) as {
    resourceRules: Record<string, unknown>[];
    nonResourceRules: Record<string, unknown>[];
  };
  assert.ok(st.resourceRules.some((r) => JSON.stringify(r) === JSON.stringify({ verbs: ['get', 'update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] })));
  assert.ok(st.resourceRules.some((r) => (r.resources as string[]).includes('selfsubjectaccessreviews')), 'system:basic-user applies to every authenticated user');
  assert.ok(st.nonResourceRules.some((r) => (r.nonResourceURLs as string[]).includes('/api')));
  assert.ok(!st.resourceRules.some((r) => (r.resources as string[]).includes('deployments') && (r.verbs as string[]).includes('create')));
});
