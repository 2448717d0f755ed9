/**
 * The deterministic artifact writer: a tar.gz of a directory tree with entries sorted by path (byte
 * order), fixed mtime (0), owner (0:0) and modes (0644, 0755 when any execute bit is set, 0777 for
 * symlinks), no `.git` (folders, or the files submodules have) at any depth, ignore rules applied, and symlinks that leave the tree (or are absolute)
 * rejected. Directories are implied by their files (empty folders are not kept, as in git). The same
 * tree always gives the same bytes and so the same sha256 digest.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ArchiveError, ArchiveErrorKind } from './errors.js';
import { encodeHeader, endOfArchive, padding } from './tar.js';

/** Limits and filters for {@link writeArchive}. */
export interface ArchiveOptions {
  /** Returns true for paths to leave out (relative, slash-separated). `.git` is always left out. */
  exclude?: (relPath: string, isDir: boolean) => boolean;
  /** At most this many entries (default 100 000). */
  maxEntries?: number;
  /** At most this many bytes of file content in total (default 512 MiB). */
  maxTotalBytes?: number;
  /** At most this many bytes per file (default 128 MiB). */
  maxFileBytes?: number;
}

/** Default limits of {@link writeArchive}. */
export function defaultArchiveOptions(): Required<Omit<ArchiveOptions, 'exclude'>> {
  return { maxEntries: 100_000, maxTotalBytes: 512 * 1024 * 1024, maxFileBytes: 128 * 1024 * 1024 };
}

/** What was written. */
export interface ArchiveResult {
  /** `sha256:<hex>` of the tar.gz bytes. */
  digest: string;
  /** Size of the tar.gz in bytes. */
  size: number;
  /** Number of entries (files and symlinks). */
  entries: number;
  /** Uncompressed bytes of file content. */
  contentBytes: number;
}

interface Entry {
  rel: string;
  abs: string;
  type: 'file' | 'symlink';
  mode: number;
  size: number;
  linkname?: string;
}

/** Lists the entries of the tree in archive order, applying exclusions and the symlink rule. */
export async function collectEntries(root: string, opts: ArchiveOptions = {}): Promise<Entry[]> {
  const limits = { ...defaultArchiveOptions(), ...opts };
  const out: Entry[] = [];
  let total = 0;
  const walk = async (absDir: string, relDir: string): Promise<void> => {
    for (const d of await readdir(absDir, { withFileTypes: true })) {
      const rel = relDir ? `${relDir}/${d.name}` : d.name;
      const abs = join(absDir, d.name);
      // `.git` folders, and the `.git` files of submodules and worktrees, at any depth.
      if (d.name === '.git') continue;
      const st = await lstat(abs);
      const isDir = st.isDirectory();
      if (opts.exclude?.(rel, isDir)) continue;
      if (isDir) {
        await walk(abs, rel);
        continue;
      }
      if (out.length >= limits.maxEntries) throw new ArchiveError(ArchiveErrorKind.Limit, `more than ${limits.maxEntries} entries`, rel);
      if (st.isSymbolicLink()) {
        const target = await readlink(abs);
        checkSymlink(rel, target);
        out.push({ rel, abs, type: 'symlink', mode: 0o777, size: 0, linkname: target });
      } else if (st.isFile()) {
        if (st.size > limits.maxFileBytes) throw new ArchiveError(ArchiveErrorKind.Limit, `file ${rel} is larger than ${limits.maxFileBytes} bytes`, rel);
        total += st.size;
        if (total > limits.maxTotalBytes) throw new ArchiveError(ArchiveErrorKind.Limit, `content is larger than ${limits.maxTotalBytes} bytes`, rel);
        out.push({ rel, abs, type: 'file', mode: st.mode & 0o111 ? 0o755 : 0o644, size: st.size });
      }
      // sockets, fifos and devices are skipped
    }
  };
  await walk(root, '');
  return out.sort((a, b) => Buffer.compare(Buffer.from(a.rel), Buffer.from(b.rel)));
}

/** Throws when a symlink at `rel` pointing to `target` is absolute or leaves the tree. */
export function checkSymlink(rel: string, target: string): void {
  if (target.startsWith('/') || target === '') {
    throw new ArchiveError(ArchiveErrorKind.SymlinkOutOfTree, `symlink ${rel} points to an absolute path`, rel);
  }
  const resolved = posix.normalize(posix.join(posix.dirname(rel), target));
  if (resolved === '..' || resolved.startsWith('../')) {
    throw new ArchiveError(ArchiveErrorKind.SymlinkOutOfTree, `symlink ${rel} points outside the tree (${target})`, rel);
  }
}

async function* tarStream(entries: readonly Entry[], limits: { maxFileBytes: number }): AsyncGenerator<Buffer> {
  for (const e of entries) {
    if (e.type === 'symlink') {
      yield encodeHeader({ name: e.rel, type: 'symlink', size: 0, mode: e.mode, mtime: 0, linkname: e.linkname });
      continue;
    }
    const data = await readFile(e.abs);
    if (data.length > limits.maxFileBytes) throw new ArchiveError(ArchiveErrorKind.Limit, `file ${e.rel} grew past the limit`, e.rel);
    yield encodeHeader({ name: e.rel, type: 'file', size: data.length, mode: e.mode, mtime: 0 });
    yield data;
    yield padding(data.length);
  }
  yield endOfArchive();
}

/** Writes the tree at `root` as a deterministic tar.gz to `outPath`; returns digest and size. */
export async function writeArchive(root: string, outPath: string, opts: ArchiveOptions = {}): Promise<ArchiveResult> {
  const limits = { ...defaultArchiveOptions(), ...opts };
  const entries = await collectEntries(root, opts);
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  await pipeline(tarStream(entries, limits), createGzip({ level: 6 }), tap, createWriteStream(outPath, { mode: 0o644 }));
  return {
    digest: `sha256:${hash.digest('hex')}`,
    size,
    entries: entries.length,
    contentBytes: entries.reduce((n, e) => n + e.size, 0),
  };
}
