import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { controllersIdentity, leaseMessage, upIdentity } from './lease.js';

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
