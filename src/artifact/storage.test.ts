import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isArchiveError } from './errors.js';
import { downloadArtifact, fetchArtifact } from './fetch.js';
import { startArtifactServer, type ArtifactServer } from './server.js';
import { ArtifactStorage, StorageError } from './storage.js';

let scratch: string;
let src: string;
let storage: ArtifactStorage;
let server: ArtifactServer;
const key = { kind: 'GitRepository', namespace: 'ns1', name: 'app' };

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'lockstep-storage-'));
  src = join(scratch, 'src');
  await mkdir(join(src, 'dir'), { recursive: true });
  await writeFile(join(src, 'a.yaml'), 'a: 1\n');
  await writeFile(join(src, 'dir/b.yaml'), 'b: 1\n');
  const root = join(scratch, 'storage');
  await mkdir(root);
  server = await startArtifactServer({ root });
  storage = await ArtifactStorage.create({ root, baseUrl: server.url, retain: 2 });
});
after(async () => {
  await server?.close();
  await rm(scratch, { recursive: true, force: true });
});

test('store writes atomically under <kind>/<ns>/<name>, serves it, and the download verifies and unpacks', async () => {
  const art = await storage.withLock(key, () => storage.store(key, { sourceDir: src, fileName: 'c1.tar.gz', revision: 'main@sha1:c1' }));
  assert.equal(art.path, 'gitrepository/ns1/app/c1.tar.gz');
  assert.equal(art.url, `${server.url}/gitrepository/ns1/app/c1.tar.gz`);
  assert.match(art.digest, /^sha256:[0-9a-f]{64}$/);
  assert.ok(await storage.exists(art));
  assert.ok(!(await storage.exists({ ...art, size: 1 })));
  const body = await downloadArtifact(art.url, { expectedDigest: art.digest });
  assert.equal(body.length, art.size);
  const dest = join(scratch, 'unpacked');
  await mkdir(dest);
  const r = await fetchArtifact(art.url, dest, { expectedDigest: art.digest });
  assert.equal(r.files, 2);
  await assert.rejects(downloadArtifact(art.url, { expectedDigest: 'sha256:' + '0'.repeat(64) }), (e: unknown) => isArchiveError(e, 'digest-mismatch'));
  await assert.rejects(downloadArtifact(art.url, { maxBytes: 10 }), (e: unknown) => isArchiveError(e, 'limit'));
  assert.deepEqual((await readdir(storage.absolute('gitrepository/ns1/app'))).filter((n) => n.startsWith('.')), []);
});

test('server refuses traversal, dot files, symlinks out of the root and non-GET methods', async () => {
  await writeFile(join(scratch, 'secret.txt'), 'secret');
  await symlink(join(scratch, 'secret.txt'), storage.absolute('gitrepository/ns1/app/leak.tar.gz'));
  await writeFile(storage.absolute('gitrepository/ns1/app/.tmp-x.tar.gz'), 'tmp');
  const status = (path: string, method = 'GET') =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}${path}`, { method }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  assert.equal(await status('/gitrepository/ns1/app/c1.tar.gz'), 200);
  assert.equal(await status('/gitrepository/ns1/app/c1.tar.gz', 'HEAD'), 200);
  assert.equal(await status('/gitrepository/ns1/app/c1.tar.gz', 'DELETE'), 405);
  assert.equal(await status('/gitrepository/../../secret.txt'), 404);
  assert.equal(await status('/gitrepository/%2e%2e/%2e%2e/secret.txt'), 404);
  assert.equal(await status('/gitrepository/ns1/app/leak.tar.gz'), 404);
  assert.equal(await status('/gitrepository/ns1/app/.tmp-x.tar.gz'), 404);
  assert.equal(await status('/gitrepository/ns1/app'), 404);
  await rm(storage.absolute('gitrepository/ns1/app/leak.tar.gz'));
  await rm(storage.absolute('gitrepository/ns1/app/.tmp-x.tar.gz'));
});

test('gc keeps the newest `retain` artifacts and the current one', async () => {
  const k = { ...key, name: 'gc' };
  const t0 = Date.now() / 1000;
  for (let i = 1; i <= 4; i++) {
    const a = await storage.store(k, { sourceDir: src, fileName: `c${i}.tar.gz`, revision: `r${i}` });
    await utimes(storage.absolute(a.path), t0 - 100 + i, t0 - 100 + i);
  }
  const removed = await storage.gc(k, ['gitrepository/ns1/gc/c1.tar.gz']);
  assert.deepEqual(removed.sort(), ['gitrepository/ns1/gc/c2.tar.gz', 'gitrepository/ns1/gc/c3.tar.gz']);
  assert.deepEqual((await readdir(storage.absolute('gitrepository/ns1/gc'))).sort(), ['c1.tar.gz', 'c4.tar.gz']);
  await storage.removeObject(k);
  assert.deepEqual(await storage.gc(k), []);
});

test('lock serialises writers of one object', async () => {
  const order: string[] = [];
  const slow = (id: string) => storage.withLock(key, async () => {
    order.push(`start ${id}`);
    await new Promise((r) => setTimeout(r, 20));
    order.push(`end ${id}`);
  });
  await Promise.all([slow('a'), slow('b')]);
  assert.deepEqual(order, ['start a', 'end a', 'start b', 'end b']);
});

test('file system failures are StorageErrors with the operation', async () => {
  const k = { kind: 'GitRepository', namespace: 'blocked', name: 'x' };
  await mkdir(storage.absolute('gitrepository'), { recursive: true });
  await writeFile(storage.absolute('gitrepository/blocked'), 'not a folder');
  await assert.rejects(storage.store(k, { sourceDir: src, fileName: 'c.tar.gz', revision: 'r' }), (e: unknown) => e instanceof StorageError && e.op === 'mkdir');
  assert.throws(() => storage.objectDir({ ...k, name: '../x' }), StorageError);
  await rm(storage.absolute('gitrepository/blocked'));
});

test('adopt links an identical artifact under another object, and refuses changed or missing sources', async () => {
  const a = await storage.store(key, { sourceDir: src, fileName: 'shared.tar.gz', revision: 'r' });
  const other = { ...key, name: 'other' };
  const got = await storage.adopt(other, { fromPath: a.path, fileName: 'shared.tar.gz', revision: 'v1@sha1:x', digest: a.digest, size: a.size ?? 0 });
  assert.ok(got);
  assert.equal(got.path, 'gitrepository/ns1/other/shared.tar.gz');
  assert.equal(got.digest, a.digest);
  assert.equal(got.revision, 'v1@sha1:x');
  assert.equal((await downloadArtifact(got.url, { expectedDigest: a.digest })).length, a.size);
  assert.equal(await storage.adopt(other, { fromPath: a.path, fileName: 'x.tar.gz', revision: 'r', digest: 'sha256:' + '1'.repeat(64), size: a.size ?? 0 }), undefined);
  assert.equal(await storage.adopt(other, { fromPath: 'gitrepository/ns1/app/missing.tar.gz', fileName: 'y.tar.gz', revision: 'r', digest: a.digest, size: a.size ?? 0 }), undefined);
  assert.ok(!(await readdir(storage.absolute('gitrepository/ns1/other'))).some((n) => n.startsWith('.tmp-') || n === 'x.tar.gz'));
});
