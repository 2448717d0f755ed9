import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { componentNames } from '../../install/components.js';
import { componentLeaseMessage, controllersIdentity, leaseMessage, leaseNameFor, upIdentity } from './lease.js';

test('leaseMessage: free, ours, live other (local pid, remote host, a pod), stale', () => {
  const self = upIdentity('/data/.lockstep');
  assert.equal(self, upIdentity('/data/.lockstep'), 'stable per data dir');
  assert.notEqual(self, upIdentity('/other/.lockstep'));
  const live = (identity: string) => ({ identity, sinceRenewMs: 2_000, durationMs: 35_000 });
  const cases: { name: string; holder: Parameters<typeof leaseMessage>[0]; want?: RegExp }[] = [
    { name: 'no lease', holder: undefined },
    { name: 'ours', holder: live(self) },
    { name: 'this host', holder: live(controllersIdentity()), want: new RegExp(`^another Lockstep controller process \\(lockstep-controllers_.+_pid${process.pid}\\) holds the leader Lease flux-system/lockstep-leader-election: .*\\(kill ${process.pid}\\)$`) },
    { name: 'other host', holder: live('lockstep-controllers_box-7_pid42'), want: /\(kill 42 on box-7\)$/ },
    { name: 'a pod', holder: live('kustomize-controller-5d8f_ab12cd34'), want: /\(kubectl -n flux-system scale deployment source-controller kustomize-controller --replicas=0\)$/ },
    { name: 'stale', holder: { identity: 'x', sinceRenewMs: 50_000, durationMs: 35_000 }, want: /was last renewed 50s ago by x \(stopped\?\): up's controllers take over once it expires \(within 35s\)$/ },
  ];
  for (const c of cases) {
    const m = leaseMessage(c.holder, self);
    if (!c.want) assert.equal(m, undefined, c.name);
    else assert.match(m ?? '', c.want, c.name);
  }
  assert.ok(controllersIdentity().includes(hostname()));
});

test('leaseNameFor: one Lease for a process running every controller, one per controller for --only (installed Deployments do not exclude each other)', () => {
  const all = ['source', 'kustomize'];
  const cases: { running: string[]; want: string }[] = [
    { running: [], want: 'lockstep-leader-election' },
    { running: ['kustomize', 'source'], want: 'lockstep-leader-election' },
    { running: ['source'], want: 'source-controller-leader-election' },
    { running: ['kustomize'], want: 'kustomize-controller-leader-election' },
  ];
  for (const c of cases) assert.equal(leaseNameFor(c.running, all), c.want, c.running.join(','));
  // the names up looks for are the installed components' own
  for (const name of componentNames) assert.equal(leaseNameFor([name.replace(/-controller$/, '')], all), `${name}-leader-election`);
});

test('componentLeaseMessage: a live holder of an installed component Lease makes up stand aside; free, stale or ours do not', () => {
  const self = upIdentity('/data/.lockstep');
  const lease = 'kustomize-controller-leader-election';
  assert.equal(componentLeaseMessage(lease, undefined, self), undefined);
  assert.equal(componentLeaseMessage(lease, { identity: self, sinceRenewMs: 1_000, durationMs: 35_000 }, self), undefined);
  assert.equal(componentLeaseMessage(lease, { identity: 'kustomize-controller-7f_x', sinceRenewMs: 60_000, durationMs: 35_000 }, self), undefined);
  assert.match(
    componentLeaseMessage(lease, { identity: 'kustomize-controller-7f_x', sinceRenewMs: 1_000, durationMs: 35_000 }, self) ?? '',
    /^controllers installed in the cluster hold the Lease flux-system\/kustomize-controller-leader-election \(kustomize-controller-7f_x\): up runs none of its own/,
  );
});
