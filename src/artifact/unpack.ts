/**
 * The artifact reader: unpacks a tar.gz into a directory with limits on entries, total and per-entry
 * size and compressed size, and tar-slip protection (no absolute names, no `..`, no writing through
 * symlinks, symlinks only to targets inside the tree, no hard links or devices). Optionally checks the
 * sha256 digest of the compressed bytes. Used by consumers of artifacts (the kustomize controller).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { checkSymlink } from './archive.js';
import { ArchiveError, ArchiveErrorKind } from './errors.js';
import { decodeHeader, parsePax } from './tar.js';

/** Limits for {@link unpackArchive}. */
export interface UnpackOptions {
  /** At most this many entries (default 100 000). */
  maxEntries?: number;
  /** At most this many bytes of content in total (default 512 MiB). */
  maxTotalBytes?: number;
  /** At most this many bytes per entry (default 128 MiB). */
  maxEntryBytes?: number;
  /** At most this many compressed bytes (default 256 MiB). */
  maxCompressedBytes?: number;
  /** When set, the sha256 of the compressed bytes must equal this (`sha256:<hex>`). */
  expectedDigest?: string;
}

/** Default limits of {@link unpackArchive}. */
export function defaultUnpackOptions(): Required<Omit<UnpackOptions, 'expectedDigest'>> {
  return { maxEntries: 100_000, maxTotalBytes: 512 * 1024 * 1024, maxEntryBytes: 128 * 1024 * 1024, maxCompressedBytes: 256 * 1024 * 1024 };
}

/** What was unpacked. */
export interface UnpackResult {
  files: number;
  symlinks: number;
  bytes: number;
  /** `sha256:<hex>` of the compressed input. */
  digest: string;
}

class BlockReader {
  private chunks: Buffer[] = [];
  private len = 0;
  constructor(private readonly it: AsyncIterator<Buffer>) {}
  async read(n: number): Promise<Buffer | undefined> {
    while (this.len < n) {
      const r = await this.it.next();
      if (r.done) return undefined;
      this.chunks.push(r.value);
      this.len += r.value.length;
    }
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.len = rest.length;
    return out;
  }
}

/** Normalises an entry name; throws for absolute names, `..` components and empty names. */
export function safeEntryName(name: string): string {
  if (name.includes('\0')) throw new ArchiveError(ArchiveErrorKind.UnsafePath, `entry name contains NUL`, name);
  if (name.startsWith('/')) throw new ArchiveError(ArchiveErrorKind.UnsafePath, `entry ${name} has an absolute path`, name);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new ArchiveError(ArchiveErrorKind.UnsafePath, `entry ${name} contains ".."`, name);
  return parts.join('/');
}

/** Creates the parent folders of `rel` under `dest`, refusing to go through symlinks or files. */
async function ensureParents(dest: string, rel: string): Promise<void> {
  const parts = posix.dirname(rel) === '.' ? [] : posix.dirname(rel).split('/');
  let cur = dest;
  for (const p of parts) {
    cur = join(cur, p);
    const st = await lstat(cur).catch(() => undefined);
    if (!st) await mkdir(cur);
    else if (st.isSymbolicLink()) throw new ArchiveError(ArchiveErrorKind.UnsafePath, `entry ${rel} would be written through a symlink`, rel);
    else if (!st.isDirectory()) throw new ArchiveError(ArchiveErrorKind.UnsafePath, `entry ${rel} has a file as parent`, rel);
  }
}

async function clearTarget(abs: string, rel: string): Promise<void> {
  const st = await lstat(abs).catch(() => undefined);
  if (!st) return;
  if (st.isSymbolicLink() || st.isDirectory()) throw new ArchiveError(ArchiveErrorKind.UnsafePath, `entry ${rel} would replace a symlink or folder`, rel);
  await rm(abs);
}

/** Unpacks `src` (a file path or a stream of tar.gz bytes) into the existing folder `dest`. */
export async function unpackArchive(src: string | Readable, dest: string, opts: UnpackOptions = {}): Promise<UnpackResult> {
  const lim = { ...defaultUnpackOptions(), ...opts };
  const hash = createHash('sha256');
  let compressed = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      compressed += chunk.length;
      if (compressed > lim.maxCompressedBytes) return cb(new ArchiveError(ArchiveErrorKind.Limit, `archive is larger than ${lim.maxCompressedBytes} bytes`));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const input = typeof src === 'string' ? createReadStream(src) : src;
  const gunzip = createGunzip();
  input.on('error', (e: Error) => gunzip.destroy(e));
  tap.on('error', (e) => gunzip.destroy(e));
  input.pipe(tap).pipe(gunzip);
  const reader = new BlockReader(gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  const res: UnpackResult = { files: 0, symlinks: 0, bytes: 0, digest: '' };
  const st: ReadState = { entries: 0, total: 0, pax: new Map(), reader, lim };
  try {
    for (;;) {
      const entry = await nextEntry(st);
      if (!entry) break;
      if (entry.name === '') continue;
      await writeEntry({ dest, ...entry }, res);
    }
    let trailing = 0;
    while (await reader.read(512)) {
      trailing += 512;
      if (trailing > 1024 * 1024) throw new ArchiveError(ArchiveErrorKind.Malformed, 'more than 1 MiB of data after the end-of-archive marker');
    }
  } catch (err) {
    input.unpipe?.();
    gunzip.destroy();
    if (typeof src === 'string') (input as ReturnType<typeof createReadStream>).destroy();
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(ArchiveErrorKind.Malformed, `cannot read archive: ${(err as Error).message}`, undefined, { cause: err });
  }
  res.digest = `sha256:${hash.digest('hex')}`;
  if (opts.expectedDigest && opts.expectedDigest !== res.digest) {
    throw new ArchiveError(ArchiveErrorKind.DigestMismatch, `digest mismatch: expected ${opts.expectedDigest}, got ${res.digest}`);
  }
  return res;
}

interface ReadState {
  entries: number;
  total: number;
  pax: Map<string, string>;
  longName?: string;
  longLink?: string;
  reader: BlockReader;
  lim: Required<Omit<UnpackOptions, 'expectedDigest'>>;
}

interface ReadEntry {
  name: string;
  typeflag: string;
  mode: number;
  data: Buffer;
  linkname: string;
}

function readHeader(block: Buffer): ReturnType<typeof decodeHeader> {
  try {
    return decodeHeader(block);
  } catch (err) {
    throw new ArchiveError(ArchiveErrorKind.Malformed, `not a tar archive: ${(err as Error).message}`, undefined, { cause: err });
  }
}

/** Reads the next real entry (pax and GNU long-name headers folded in); undefined at the end. */
async function nextEntry(st: ReadState): Promise<ReadEntry | undefined> {
  for (;;) {
    const block = await st.reader.read(512);
    if (!block) throw new ArchiveError(ArchiveErrorKind.Malformed, 'archive ends without the end-of-archive marker');
    const h = readHeader(block);
    if (!h) return undefined;
    if (h.size > st.lim.maxEntryBytes) throw new ArchiveError(ArchiveErrorKind.Limit, `entry ${h.name} is larger than ${st.lim.maxEntryBytes} bytes`, h.name);
    st.total += h.size;
    if (st.total > st.lim.maxTotalBytes) throw new ArchiveError(ArchiveErrorKind.Limit, `content is larger than ${st.lim.maxTotalBytes} bytes`, h.name);
    if (++st.entries > st.lim.maxEntries) throw new ArchiveError(ArchiveErrorKind.Limit, `more than ${st.lim.maxEntries} entries`, h.name);
    const padded = Math.ceil(h.size / 512) * 512;
    const body = padded > 0 ? await st.reader.read(padded) : Buffer.alloc(0);
    if (!body) throw new ArchiveError(ArchiveErrorKind.Malformed, `entry ${h.name} is truncated`, h.name);
    const data = body.subarray(0, h.size);
    if (h.typeflag === 'x') {
      st.pax = parsePax(data);
      continue;
    }
    if (h.typeflag === 'g') continue;
    if (h.typeflag === 'L' || h.typeflag === 'K') {
      const v = data.toString('utf8').replace(/\0+$/, '');
      if (h.typeflag === 'L') st.longName = v;
      else st.longLink = v;
      continue;
    }
    const name = safeEntryName(st.pax.get('path') ?? st.longName ?? h.name);
    const linkname = st.pax.get('linkpath') ?? st.longLink ?? h.linkname;
    st.pax = new Map();
    st.longName = st.longLink = undefined;
    return { name, typeflag: h.typeflag, mode: h.mode, data, linkname };
  }
}

async function writeEntry(e: { dest: string; name: string; typeflag: string; mode: number; data: Buffer; linkname: string }, res: UnpackResult): Promise<void> {
  const abs = join(e.dest, e.name);
  await ensureParents(e.dest, e.name);
  switch (e.typeflag) {
    case '0':
    case '\0':
    case '7':
      await clearTarget(abs, e.name);
      await writeFile(abs, e.data, { mode: e.mode & 0o111 ? 0o755 : 0o644, flag: 'wx' });
      res.files++;
      res.bytes += e.data.length;
      return;
    case '5': {
      const st = await lstat(abs).catch(() => undefined);
      if (st && !st.isDirectory()) throw new ArchiveError(ArchiveErrorKind.UnsafePath, `folder entry ${e.name} collides with a file or symlink`, e.name);
      if (!st) await mkdir(abs);
      return;
    }
    case '2':
      checkSymlink(e.name, e.linkname);
      await clearTarget(abs, e.name);
      await symlink(e.linkname, abs);
      res.symlinks++;
      return;
    default:
      throw new ArchiveError(ArchiveErrorKind.Malformed, `entry ${e.name} has unsupported type ${JSON.stringify(e.typeflag)} (hard links, devices and fifos are refused)`, e.name);
  }
}

/** Unpacks an in-memory tar.gz (convenience for downloads). */
export function unpackBuffer(data: Buffer, dest: string, opts: UnpackOptions = {}): Promise<UnpackResult> {
  return unpackArchive(Readable.from([data]), dest, opts);
}
