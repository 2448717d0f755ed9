/**
 * Artifact storage on the local file system, laid out as Flux's: `<root>/<kind>/<namespace>/<name>/<file>`.
 * Writes are atomic (a temp file in the same folder, then rename), each object has a lock (in-process:
 * one controller process owns a storage root), and garbage collection keeps the newest `retain`
 * artifacts of an object plus the current one.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Artifact } from '../api/meta.js';
import { type ArchiveOptions, type ArchiveResult, writeArchive } from './archive.js';
import { digestFile } from './digest.js';

/** Which storage operation failed (maps to Flux's reasons in the controller). */
export const StorageOp = {
  Mkdir: 'mkdir',
  Stat: 'stat',
  Write: 'write',
  Lock: 'lock',
  Remove: 'remove',
} as const;
export type StorageOp = (typeof StorageOp)[keyof typeof StorageOp];

/** A storage failure with the operation and path. */
export class StorageError extends Error {
  constructor(
    readonly op: StorageOp,
    readonly path: string,
    message: string,
    opts?: { cause?: unknown },
  ) {
    super(message, opts);
    this.name = 'StorageError';
  }
}

/** Identifies the object an artifact belongs to. */
export interface ObjectKey {
  kind: string;
  namespace: string;
  name: string;
}

/** Options for {@link ArtifactStorage.create}. */
export interface StorageOptions {
  /** Root folder (created when missing). */
  root: string;
  /** Base URL of the artifact server, e.g. `http://source-controller.flux-system.svc.cluster.local.` */
  baseUrl: string;
  /** Artifacts kept per object, newest first, the current one always included (default 2, as Flux). */
  retain?: number;
  /** How long to wait for an object lock before failing (default 60 s). */
  lockTimeoutMs?: number;
}

/** Options for {@link ArtifactStorage.store}. */
export interface StoreOptions extends ArchiveOptions {
  /** The tree to pack. */
  sourceDir: string;
  /** File name within the object's folder, e.g. `<commit>.tar.gz`. */
  fileName: string;
  /** Revision recorded in the artifact. */
  revision: string;
}

function checkSegment(s: string, what: string): string {
  if (s === '' || s === '.' || s === '..' || s.includes('/') || s.includes('\0')) throw new StorageError(StorageOp.Stat, s, `invalid ${what} ${JSON.stringify(s)}`);
  return s;
}

/** The storage. */
export class ArtifactStorage {
  private readonly locks = new Map<string, Promise<unknown>>();
  readonly root: string;
  readonly baseUrl: string;
  readonly retain: number;
  readonly lockTimeoutMs: number;

  private constructor(opts: StorageOptions) {
    this.root = opts.root;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.retain = Math.max(1, opts.retain ?? 2);
    this.lockTimeoutMs = opts.lockTimeoutMs ?? 60_000;
  }

  /** Opens (and creates) the storage root; fails with a StorageError when it is not writable. */
  static async create(opts: StorageOptions): Promise<ArtifactStorage> {
    try {
      await mkdir(opts.root, { recursive: true });
      await access(opts.root, constants.W_OK);
    } catch (err) {
      throw new StorageError(StorageOp.Mkdir, opts.root, `storage root ${opts.root} is not a writable folder: ${(err as Error).message}`, { cause: err });
    }
    return new ArtifactStorage(opts);
  }

  /** The object's folder, relative to the root. */
  objectDir(key: ObjectKey): string {
    return [checkSegment(key.kind.toLowerCase(), 'kind'), checkSegment(key.namespace, 'namespace'), checkSegment(key.name, 'name')].join('/');
  }

  /** Relative path of a file of the object. */
  artifactPath(key: ObjectKey, fileName: string): string {
    return `${this.objectDir(key)}/${checkSegment(fileName, 'file name')}`;
  }

  /** Absolute path of a relative artifact path. */
  absolute(relPath: string): string {
    return join(this.root, ...relPath.split('/'));
  }

  /** The URL an artifact path is served at. */
  urlFor(relPath: string): string {
    return `${this.baseUrl}/${relPath.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** Runs `fn` holding the object's lock (one writer per object at a time). */
  async withLock<T>(key: ObjectKey, fn: () => Promise<T>): Promise<T> {
    const id = this.objectDir(key);
    const prev = this.locks.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = prev.then(() => mine);
    this.locks.set(id, chained);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StorageError(StorageOp.Lock, id, `could not acquire the lock of ${id} within ${this.lockTimeoutMs} ms`)), this.lockTimeoutMs);
    });
    try {
      await Promise.race([prev, timeout]);
      clearTimeout(timer);
      return await fn();
    } finally {
      clearTimeout(timer);
      release();
      if (this.locks.get(id) === chained) this.locks.delete(id);
    }
  }

  /**
   * Packs `sourceDir` into the object's folder as `fileName` atomically and returns the artifact
   * (call inside {@link withLock}). Archive errors (limits, symlinks) pass through unchanged; file
   * system failures become StorageErrors.
   */
  async store(key: ObjectKey, opts: StoreOptions): Promise<Artifact & { result: ArchiveResult }> {
    const rel = this.artifactPath(key, opts.fileName);
    const dir = this.absolute(this.objectDir(key));
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new StorageError(StorageOp.Mkdir, dir, `cannot create folder ${this.objectDir(key)}: ${(err as Error).message}`, { cause: err });
    }
    const tmp = join(dir, `.tmp-${randomBytes(6).toString('hex')}.tar.gz`);
    let result: ArchiveResult;
    try {
      result = await writeArchive(opts.sourceDir, tmp, opts);
      await rename(tmp, this.absolute(rel));
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {});
      if (err instanceof Error && err.name === 'ArchiveError') throw err;
      throw new StorageError(StorageOp.Write, rel, `cannot write artifact ${rel}: ${(err as Error).message}`, { cause: err });
    }
    return {
      path: rel,
      url: this.urlFor(rel),
      revision: opts.revision,
      digest: result.digest,
      lastUpdateTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      size: result.size,
      result,
    };
  }

  /**
   * Stores a copy of an existing artifact file (`fromPath`, relative) as the object's `fileName`: a hard
   * link when possible, else a copy, then an atomic rename (call inside {@link withLock}). Returns
   * undefined when the source vanished (e.g. collected meanwhile), so the caller can build it instead.
   */
  async adopt(key: ObjectKey, opts: { fromPath: string; fileName: string; revision: string; digest: string; size: number }): Promise<Artifact | undefined> {
    const rel = this.artifactPath(key, opts.fileName);
    const dir = this.absolute(this.objectDir(key));
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new StorageError(StorageOp.Mkdir, dir, `cannot create folder ${this.objectDir(key)}: ${(err as Error).message}`, { cause: err });
    }
    const src = this.absolute(opts.fromPath);
    const tmp = join(dir, `.tmp-${randomBytes(6).toString('hex')}.tar.gz`);
    try {
      const st = await stat(src);
      if (st.size !== opts.size) return undefined;
      await link(src, tmp).catch(() => copyFile(src, tmp));
      // The source may have been rewritten under the same name with other content: trust bytes only.
      if ((await digestFile(tmp)) !== opts.digest) {
        await rm(tmp, { force: true });
        return undefined;
      }
      await rename(tmp, this.absolute(rel));
    } catch {
      await rm(tmp, { force: true }).catch(() => {});
      return undefined;
    }
    return { path: rel, url: this.urlFor(rel), revision: opts.revision, digest: opts.digest, lastUpdateTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), size: opts.size };
  }

  /** True when the artifact's file exists with the recorded size. */
  async exists(artifact: Pick<Artifact, 'path' | 'size'>): Promise<boolean> {
    try {
      const st = await stat(this.absolute(artifact.path));
      return st.isFile() && (artifact.size === undefined || st.size === artifact.size);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
      throw new StorageError(StorageOp.Stat, artifact.path, `cannot stat ${artifact.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Removes the object's older artifacts beyond `retain` (newest by mtime first; `keep` always stays)
   * and leftover temp files. Returns the removed relative paths.
   */
  async gc(key: ObjectKey, keep: readonly string[] = []): Promise<string[]> {
    const relDir = this.objectDir(key);
    const dir = this.absolute(relDir);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new StorageError(StorageOp.Stat, relDir, `cannot list ${relDir}: ${(err as Error).message}`, { cause: err });
    }
    const files = await Promise.all(names.map(async (n) => ({ n, st: await stat(join(dir, n)).catch(() => undefined) })));
    const now = Date.now();
    const removed: string[] = [];
    const doomed: string[] = files.filter((f) => f.n.startsWith('.tmp-') && f.st && now - f.st.mtimeMs > 10 * 60_000).map((f) => f.n);
    const artifacts = files
      .filter((f) => !f.n.startsWith('.') && f.st?.isFile())
      .sort((a, b) => (b.st?.mtimeMs ?? 0) - (a.st?.mtimeMs ?? 0) || (a.n < b.n ? -1 : 1));
    const keepSet = new Set(keep.map((k) => k.split('/').pop()));
    let kept = keepSet.size;
    for (const f of artifacts) {
      if (keepSet.has(f.n)) continue;
      if (kept < this.retain) {
        kept++;
        continue;
      }
      doomed.push(f.n);
    }
    for (const n of doomed) {
      try {
        await rm(join(dir, n), { force: true });
        removed.push(`${relDir}/${n}`);
      } catch (err) {
        throw new StorageError(StorageOp.Remove, `${relDir}/${n}`, `cannot remove ${relDir}/${n}: ${(err as Error).message}`, { cause: err });
      }
    }
    return removed;
  }

  /** Removes every artifact of the object (when the object is deleted). */
  async removeObject(key: ObjectKey): Promise<void> {
    const relDir = this.objectDir(key);
    try {
      await rm(this.absolute(relDir), { recursive: true, force: true });
    } catch (err) {
      throw new StorageError(StorageOp.Remove, relDir, `cannot remove ${relDir}: ${(err as Error).message}`, { cause: err });
    }
  }
}
