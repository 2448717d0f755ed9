/** Unit tables for the cluster's pure pieces: selectors, names, the store's change log, protobuf bodies. */
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/object.js';
import { eventually } from '../../test/harness/eventually.js';
import { ApiError } from './errors.js';
import { decodeKubeProtobuf } from './http/protobuf.js';
import { parsePath } from './http/route.js';
import { humanDuration } from './http/table.js';
import { nameErrors } from './names.js';
import { labelEqualities, matchFields, parseFieldSelector, parseLabelSelector } from './selectors.js';
import Database from 'better-sqlite3';
import { ObjectStore, StorageError, ownerTerm } from './store.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', env: 'prod' };
  const cases: [string, boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=web,tier=back', false],
    ['tier in (front, back)', true],
    ['tier notin (front)', false],
    ['missing notin (x)', true],
    ['env', true],
    ['!env', false],
    ['!missing', true],
    ['app in (web),env', true],
  ];
  for (const [sel, want] of cases) {
    test(JSON.stringify(sel), () => {
      const m = parseLabelSelector(sel);
      assert.equal(m ? m(labels) : true, want);
    });
  }
  test('bad keys are 400', () => {
    assert.throws(() => parseLabelSelector('a b=c'), (e: unknown) => e instanceof ApiError && e.code === 400);
  });
});

describe('field selectors', () => {
  const obj = { metadata: { name: 'x', namespace: 'ns' }, status: { phase: 'Running' }, spec: { nodeName: '' } };
  const cases: [string, boolean][] = [
    ['metadata.name=x', true],
    ['metadata.name!=x', false],
    ['metadata.namespace==ns,status.phase=Running', true],
    ['status.phase=Pending', false],
    ['spec.nodeName=', true],
  ];
  for (const [sel, want] of cases) test(sel, () => assert.equal(matchFields(parseFieldSelector(sel), obj), want));
  test('garbage is 400', () => assert.throws(() => parseFieldSelector('nonsense'), (e: unknown) => e instanceof ApiError && e.code === 400));
});

describe('names', () => {
  const cases: [string, string, boolean][] = [
    ['/configmaps', 'a.b-c', true],
    ['/configmaps', 'A', false],
    ['/configmaps', 'a_b', false],
    ['/namespaces', 'a.b', false],
    ['/services', 'web-1', true],
    ['rbac.authorization.k8s.io/clusterroles', 'system:aggregate-to-view', true],
    ['rbac.authorization.k8s.io/roles', 'a/b', false],
  ];
  for (const [rk, name, valid] of cases) {
    test(`${rk} ${name}`, () => {
      const [group, plural] = rk.split('/') as [string, string];
      assert.equal(nameErrors({ group, plural }, name).length === 0, valid);
    });
  }
});

describe('routes', () => {
  const cases: [string, unknown][] = [
    ['/api', { kind: 'discovery-core' }],
    ['/apis/apps/v1', { kind: 'discovery-version', group: 'apps', version: 'v1' }],
    ['/api/v1/namespaces/ns1', { kind: 'resource', path: { group: '', version: 'v1', namespace: undefined, resource: 'namespaces', name: 'ns1', subresource: undefined } }],
    ['/api/v1/namespaces/ns1/finalize', { kind: 'resource', path: { group: '', version: 'v1', namespace: undefined, resource: 'namespaces', name: 'ns1', subresource: 'finalize' } }],
    ['/api/v1/namespaces/ns1/pods', { kind: 'resource', path: { group: '', version: 'v1', namespace: 'ns1', resource: 'pods', name: undefined, subresource: undefined } }],
    ['/apis/apps/v1/namespaces/n/deployments/d/scale', { kind: 'resource', path: { group: 'apps', version: 'v1', namespace: 'n', resource: 'deployments', name: 'd', subresource: 'scale' } }],
    ['/version', { kind: 'other', path: '/version' }],
  ];
  for (const [p, want] of cases) test(p, () => assert.deepEqual(parsePath(p), want));
});

test('humanDuration matches kubectl', () => {
  assert.deepEqual([5e3, 119e3, 150e3, 3600e3, 5 * 3600e3 + 60e3, 30 * 3600e3, 3 * 86400e3].map(humanDuration), ['5s', '119s', '2m30s', '60m', '5h1m', '30h', '3d']);
});

test('labelEqualities keeps only key=value terms', () => {
  const cases: [string | undefined, string[]][] = [
    [undefined, []],
    ['app=web', ['app=web']],
    ['app == web, tier!=x, env in (a,b), !gone, k', ['app=web']],
    ['example.com/name=x,empty=', ['example.com/name=x', 'empty=']],
  ];
  for (const [sel, want] of cases) assert.deepEqual(labelEqualities(sel), want, String(sel));
});

describe('object store', () => {
  const obj = (name: string, data = '1'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', labels: { a: data } } });
  test('resourceVersions, change log replay and its horizon, persistence across reopen', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'store-')), 'state.db');
    const s = new ObjectStore({ path, retainEvents: 4 });
    const seen: string[] = [];
    s.subscribe((e) => seen.push(`${e.type} ${e.name} ${e.rv}`));
    s.commit([{ rkey: '/configmaps', ns: 'ns', name: 'a', type: 'ADDED', obj: obj('a') }]);
    s.commit([{ rkey: '/configmaps', ns: 'ns', name: 'b', type: 'ADDED', obj: obj('b') }]);
    s.flush();
    s.commit([{ rkey: '/configmaps', ns: 'ns', name: 'a', type: 'MODIFIED', obj: obj('a', '2') }]);
    s.commit([{ rkey: '/configmaps', ns: 'ns', name: 'b', type: 'DELETED', obj: obj('b') }]);
    s.flush();
    assert.deepEqual(seen, ['ADDED a 1', 'ADDED b 2', 'MODIFIED a 3', 'DELETED b 4']);
    assert.deepEqual(s.since(2)?.map((e) => e.rv), [3, 4]);
    assert.deepEqual(s.list('/configmaps').map((e) => [e.name, e.rv, e.labels?.a]), [['a', 3, '2']]);
    for (let i = 0; i < 6; i++) {
      s.commit([{ rkey: '/configmaps', ns: 'ns', name: `x${i}`, type: 'ADDED', obj: obj(`x${i}`) }]);
      s.flush();
    }
    assert.equal(s.since(1), undefined, 'older than the retained log');
    s.close();
    const again = new ObjectStore({ path, retainEvents: 4 });
    assert.equal(again.currentRv(), 10);
    assert.equal(again.get('/configmaps', 'ns', 'a')?.rv, 3);
    assert.deepEqual(again.since(8)?.map((e) => e.rv), [9, 10]);
    again.close();
  });

  test('group commit: readable at once, durable (log, subscribers, durable()) after one transaction; close writes what is pending', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'store-')), 'state.db');
    const s = new ObjectStore({ path });
    const seen: number[] = [];
    s.subscribe((e) => seen.push(e.rv));
    const o = obj('a');
    s.commit([{ rkey: '/configmaps', ns: 'ns', name: 'a', type: 'ADDED', obj: o }]);
    s.commit([{ rkey: '/configmaps', ns: 'ns', name: 'b', type: 'ADDED', obj: obj('b') }]);
    assert.equal(s.get('/configmaps', 'ns', 'b')?.rv, 2, 'the index sees a pending change');
    assert.equal(s.jsonOf(o), JSON.stringify(o));
    assert.deepEqual([seen, s.durableRv(), s.since(0)], [[], 0, []], 'nothing durable yet');
    const wait = s.durable();
    assert.ok(wait);
    await wait;
    assert.deepEqual([seen, s.durableRv(), s.durable()], [[1, 2], 2, undefined]);
    s.commit([{ rkey: '/configmaps', ns: 'ns', name: 'c', type: 'ADDED', obj: obj('c') }]);
    s.close();
    const again = new ObjectStore({ path });
    assert.deepEqual([again.currentRv(), again.get('/configmaps', 'ns', 'c')?.rv], [3, 3]);
    again.close();
  });

  test('label index: equality lists follow label changes and deletes, in name order', () => {
    const s = new ObjectStore();
    const put = (name: string, labels: Record<string, string>, type: 'ADDED' | 'MODIFIED' | 'DELETED' = 'ADDED'): void => {
      s.commit([{ rkey: '/pods', ns: 'ns', name, type, obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', labels } } }]);
    };
    put('c', { app: 'web', tier: 'a' });
    put('a', { app: 'web', tier: 'b' });
    put('b', { app: 'db' });
    const names = (labels: string[], ns?: string): string[] => s.list('/pods', ns, labels).map((e) => e.name);
    assert.deepEqual([names(['app=web'], 'ns'), names(['app=web', 'tier=a'], 'ns'), names(['app=none'], 'ns'), names(['app=web']), names([], 'ns')], [['a', 'c'], ['c'], [], ['a', 'c'], ['a', 'b', 'c']]);
    put('c', { app: 'db' }, 'MODIFIED');
    put('a', { app: 'web' }, 'DELETED');
    assert.deepEqual([names(['app=web'], 'ns'), names(['app=db'], 'ns'), names(['tier=a'], 'ns')], [[], ['b', 'c'], []]);
    s.close();
  });

  test('owner index: dependents of an owner uid, following ownerReference changes', () => {
    const s = new ObjectStore();
    const put = (name: string, owners: string[], type: 'ADDED' | 'MODIFIED' | 'DELETED' = 'ADDED'): void => {
      const ownerReferences = owners.map((uid) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true }));
      s.commit([{ rkey: '/pods', ns: 'ns', name, type, obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', labels: { app: 'same' }, ownerReferences } } }]);
    };
    put('p2', ['u1']);
    put('p1', ['u1']);
    put('p3', ['u2']);
    const names = (uid: string, labels: string[] = []): string[] => s.list('/pods', 'ns', [...labels, ownerTerm(uid)]).map((e) => e.name);
    assert.deepEqual([names('u1'), names('u2', ['app=same']), names('u3')], [['p1', 'p2'], ['p3'], []]);
    put('p2', ['u2'], 'MODIFIED');
    put('p1', [], 'MODIFIED');
    put('p3', ['u2'], 'DELETED');
    assert.deepEqual([names('u1'), names('u2')], [[], ['p2']]);
    s.close();
  });

  test('bodies are stored once: old change-log rows are pruned unless an object still needs them, then dropped when it changes', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'store-')), 'state.db');
    const s = new ObjectStore({ path, retainEvents: 4 });
    const put = (name: string, data: string, type: 'ADDED' | 'MODIFIED' = 'ADDED'): void => {
      s.commit([{ rkey: '/configmaps', ns: 'ns', name, type, obj: obj(name, data) }]);
      s.flush();
    };
    put('keep', '1');
    for (let i = 0; i < 8; i++) put(`x${i % 2}`, String(i), i < 2 ? 'ADDED' : 'MODIFIED');
    const db = new Database(path, { readonly: true });
    const rows = (): number[] => (db.prepare('SELECT rv FROM events ORDER BY rv').all() as { rv: number }[]).map((r) => r.rv);
    try {
      assert.ok(rows().includes(1), 'the body of an unchanged object survives pruning');
      assert.ok(!rows().includes(2), 'a superseded body below the horizon is pruned');
      put('keep', '2', 'MODIFIED');
      assert.ok(!rows().includes(1), 'the old body goes once the object changed');
    } finally {
      db.close();
    }
    s.close();
    const again = new ObjectStore({ path, retainEvents: 4 });
    assert.deepEqual(again.list('/configmaps').map((e) => [e.name, e.rv, e.labels?.a]), [['keep', 10, '2'], ['x0', 8, '6'], ['x1', 9, '7']]);
    assert.deepEqual(again.since(6)?.map((e) => e.rv), [7, 8, 9, 10]);
    again.close();
  });

  test('a database of the first layout (bodies in objects) is migrated', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'store-')), 'state.db');
    const db = new Database(path);
    db.exec(`
      CREATE TABLE objects (rkey TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, rv INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (rkey, ns, name)) WITHOUT ROWID;
      CREATE TABLE events (rv INTEGER PRIMARY KEY, rkey TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
    `);
    const a = JSON.stringify({ ...obj('a', 'old'), metadata: { ...obj('a', 'old').metadata, resourceVersion: '2' } });
    const b = JSON.stringify({ ...obj('b'), metadata: { ...obj('b').metadata, resourceVersion: '5' } });
    db.prepare('INSERT INTO objects VALUES (?, ?, ?, ?, ?)').run('/configmaps', 'ns', 'a', 2, a);
    db.prepare('INSERT INTO objects VALUES (?, ?, ?, ?, ?)').run('/configmaps', 'ns', 'b', 5, b);
    db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)').run(4, '/configmaps', 'ns', 'c', 'DELETED', b);
    db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)').run(5, '/configmaps', 'ns', 'b', 'ADDED', b);
    db.prepare("INSERT INTO meta VALUES ('rv', 5)").run();
    db.close();
    const s = new ObjectStore({ path });
    assert.deepEqual(s.list('/configmaps').map((e) => [e.name, e.rv, e.labels?.a]), [['a', 2, 'old'], ['b', 5, '1']]);
    assert.deepEqual([s.currentRv(), s.since(3)?.map((e) => `${e.type} ${e.name}`), s.since(2)], [5, ['DELETED c', 'ADDED b'], undefined]);
    s.close();
  });

  test('WAL checkpoints run in the worker: the database file fills while the server only commits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    const path = join(dir, 'state.db');
    const s = new ObjectStore({ path });
    const big = 'x'.repeat(2000);
    const before = statSync(path).size;
    for (let i = 0; i < 600; i++) {
      s.commit([{ rkey: '/configmaps', ns: 'ns', name: `c${i}`, type: 'ADDED', obj: { ...obj(`c${i}`), data: { big } } }]);
      if (i % 16 === 15) s.flush();
    }
    s.flush();
    try {
      await eventually(() => assert.ok(statSync(path).size > before + 600 * 2000, `database file ${statSync(path).size} bytes`), { timeoutMs: 10_000, what: 'checkpoint' });
    } finally {
      s.close();
    }
  });

  test('a failed group commit rejects its waiters and drops its changes from the index', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'store-')), 'state.db');
    const s = new ObjectStore({ path, busyTimeoutMs: 0 });
    s.commit([{ rkey: '/configmaps', ns: 'ns', name: 'a', type: 'ADDED', obj: obj('a') }]);
    s.flush();
    const locker = new Database(path);
    locker.exec('BEGIN IMMEDIATE');
    try {
      s.commit([{ rkey: '/configmaps', ns: 'ns', name: 'b', type: 'ADDED', obj: obj('b') }]);
      await assert.rejects(s.durable() ?? Promise.resolve(), (e: unknown) => e instanceof StorageError);
      assert.deepEqual([s.get('/configmaps', 'ns', 'b'), s.currentRv(), s.get('/configmaps', 'ns', 'a')?.rv], [undefined, 1, 1]);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    s.commit([{ rkey: '/configmaps', ns: 'ns', name: 'b', type: 'ADDED', obj: obj('b') }]);
    await s.durable();
    assert.equal(s.get('/configmaps', 'ns', 'b')?.rv, 2);
    s.close();
  });
});

describe('protobuf bodies', () => {
  // hand-encoded: k8s\0 + Unknown{typeMeta{apiVersion "v1", kind "ConfigMap"}, raw = ConfigMap{metadata{name "c", namespace ""}, data{"k": "v"}}}
  const str = (field: number, s: string): number[] => [(field << 3) | 2, Buffer.byteLength(s), ...Buffer.from(s)];
  const msg = (field: number, body: number[]): number[] => [(field << 3) | 2, body.length, ...body];
  const cm = [...msg(1, [...str(1, 'c'), ...str(3, '')]), ...msg(2, [...str(1, 'k'), ...str(2, 'v')]), 4 << 3, 0];
  const body = Buffer.from([0x6b, 0x38, 0x73, 0, ...msg(1, [...str(1, 'v1'), ...str(2, 'ConfigMap')]), ...msg(2, cm)]);
  test('a ConfigMap decodes to its JSON form (empty strings and false dropped)', () => {
    assert.deepEqual(decodeKubeProtobuf(body), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } });
  });
  test('unknown kinds are 415, truncated input 400', () => {
    const other = Buffer.from([0x6b, 0x38, 0x73, 0, ...msg(1, [...str(1, 'v1'), ...str(2, 'Pod')])]);
    assert.throws(() => decodeKubeProtobuf(other), (e: unknown) => e instanceof ApiError && e.code === 415);
    assert.throws(() => decodeKubeProtobuf(body.subarray(0, body.length - 3)), (e: unknown) => e instanceof ApiError && e.code === 400);
  });
});
