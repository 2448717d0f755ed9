import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { writeArchive } from './archive.js';
import { digestFile } from './digest.js';
import { isArchiveError } from './errors.js';
import { encodeHeader, endOfArchive, padding } from './tar.js';
import { unpackArchive, unpackBuffer } from './unpack.js';

const execFileP = promisify(execFile);
let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'lockstep-archive-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});
let n = 0;
const fresh = async () => {
  const d = join(scratch, `d${++n}`);
  await mkdir(d);
  return d;
};

async function tree(files: Record<string, string>): Promise<string> {
  const d = await fresh();
  for (const [p, c] of Object.entries(files)) {
    await mkdir(dirname(join(d, p)), { recursive: true });
    await writeFile(join(d, p), c);
  }
  return d;
}

const longName = 'deep/' + 'x'.repeat(120) + '/file-with-a-long-name.yaml';

test('archive is deterministic, sorted, excludes .git, and round-trips through GNU tar and our reader', async () => {
  const files = { 'b.yaml': 'b', 'a/c.yaml': 'c', 'a.txt': 'at', [longName]: 'long', '.git/config': 'x', 'a/sub/.git': 'gitdir: ../../.git/modules/sub', 'ünï.yaml': 'u' };
  const t1 = await tree(files);
  const t2 = await tree(Object.fromEntries(Object.entries(files).reverse()));
  await chmod(join(t1, 'b.yaml'), 0o700);
  await chmod(join(t2, 'b.yaml'), 0o755);
  await utimes(join(t2, 'a.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  await symlink('a/c.yaml', join(t1, 'link.yaml'));
  await symlink('a/c.yaml', join(t2, 'link.yaml'));
  const o1 = join(scratch, 'o1.tar.gz');
  const o2 = join(scratch, 'o2.tar.gz');
  const r1 = await writeArchive(t1, o1);
  const r2 = await writeArchive(t2, o2);
  assert.equal(r1.digest, r2.digest);
  assert.equal(r1.digest, await digestFile(o1));
  assert.equal(r1.entries, 6);
  const { stdout } = await execFileP('tar', ['-tvzf', o1]);
  const names = stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(5).join(' '));
  assert.deepEqual(names, ['a.txt', 'a/c.yaml', 'b.yaml', `${longName}`, 'link.yaml -> a/c.yaml', 'ünï.yaml'].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  assert.match(stdout, /-rwxr-xr-x 0\/0 .* 1970-01-01 00:00 b\.yaml/);
  const out = await fresh();
  const u = await unpackArchive(o1, out, { expectedDigest: r1.digest });
  assert.equal(u.files, 5);
  assert.equal(u.symlinks, 1);
  assert.equal(await readFile(join(out, longName), 'utf8'), 'long');
  assert.equal(await readlink(join(out, 'link.yaml')), 'a/c.yaml');
  assert.ok(!(await readdir(out)).includes('.git'));
});

test('exclude filter skips folders whole', async () => {
  const t = await tree({ 'keep.yaml': 'k', 'skip/x.yaml': 'x' });
  const r = await writeArchive(t, join(scratch, 'ex.tar.gz'), { exclude: (p, isDir) => isDir && p === 'skip' });
  assert.equal(r.entries, 1);
});

test('symlinks leaving the tree are rejected', async () => {
  for (const target of ['../../etc/passwd', '/etc/passwd', 'b/../../../x']) {
    const t = await tree({ 'a/ok.yaml': 'ok' });
    await symlink(target, join(t, 'a', 'evil'));
    await assert.rejects(writeArchive(t, join(scratch, 'sym.tar.gz')), (e: unknown) => isArchiveError(e, 'symlink-out-of-tree'), target);
  }
});

test('writer limits', async () => {
  const t = await tree({ 'a.yaml': 'x'.repeat(100), 'b.yaml': 'y'.repeat(100) });
  await assert.rejects(writeArchive(t, join(scratch, 'l.tar.gz'), { maxTotalBytes: 150 }), (e: unknown) => isArchiveError(e, 'limit'));
  await assert.rejects(writeArchive(t, join(scratch, 'l.tar.gz'), { maxFileBytes: 50 }), (e: unknown) => isArchiveError(e, 'limit'));
  await assert.rejects(writeArchive(t, join(scratch, 'l.tar.gz'), { maxEntries: 1 }), (e: unknown) => isArchiveError(e, 'limit'));
});

function craft(entries: Array<{ name: string; type?: 'file' | 'symlink' | 'dir'; data?: string; linkname?: string; typeflag?: string }>): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    let h = encodeHeader({ name: e.name, type: e.type ?? 'file', size: data.length, mode: 0o644, mtime: 0, linkname: e.linkname });
    if (e.typeflag) {
      h = Buffer.from(h);
      h.write(e.typeflag, 156, 1, 'ascii');
      h.fill(' ', 148, 156);
      let sum = 0;
      for (const b of h) sum += b;
      h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
    }
    parts.push(h, data, padding(data.length));
  }
  parts.push(endOfArchive());
  return gzipSync(Buffer.concat(parts));
}

test('reader refuses tar-slip, symlink tricks, hard links, oversize and bad digests', async () => {
  const cases: Array<[string, Buffer, string]> = [
    ['dot-dot', craft([{ name: '../evil.yaml', data: 'x' }]), 'unsafe-path'],
    ['nested dot-dot', craft([{ name: 'a/../../evil.yaml', data: 'x' }]), 'unsafe-path'],
    ['absolute', craft([{ name: '/tmp/evil.yaml', data: 'x' }]), 'unsafe-path'],
    ['symlink out', craft([{ name: 'l', type: 'symlink', linkname: '../../etc' }]), 'symlink-out-of-tree'],
    ['write through symlink', craft([{ name: 'l', type: 'symlink', linkname: '.' }, { name: 'l/x.yaml', data: 'x' }]), 'unsafe-path'],
    ['replace symlink', craft([{ name: 'l', type: 'symlink', linkname: 'a' }, { name: 'l', data: 'x' }]), 'unsafe-path'],
    ['hard link', craft([{ name: 'h', typeflag: '1', linkname: '/etc/passwd' }]), 'malformed'],
    ['not gzip', Buffer.from('hello'), 'malformed'],
  ];
  for (const [name, buf, kind] of cases) {
    const out = await fresh();
    await assert.rejects(unpackBuffer(buf, out), (e: unknown) => isArchiveError(e, kind as never), name);
  }
  const big = craft([{ name: 'a', data: 'x'.repeat(1000) }, { name: 'b', data: 'y' }]);
  await assert.rejects(unpackBuffer(big, await fresh(), { maxEntryBytes: 500 }), (e: unknown) => isArchiveError(e, 'limit'));
  await assert.rejects(unpackBuffer(big, await fresh(), { maxEntries: 1 }), (e: unknown) => isArchiveError(e, 'limit'));
  await assert.rejects(unpackBuffer(big, await fresh(), { maxTotalBytes: 1000 }), (e: unknown) => isArchiveError(e, 'limit'));
  await assert.rejects(unpackBuffer(big, await fresh(), { expectedDigest: 'sha256:' + '0'.repeat(64) }), (e: unknown) => isArchiveError(e, 'digest-mismatch'));
  const ok = await unpackBuffer(big, await fresh());
  assert.equal(ok.files, 2);
});
