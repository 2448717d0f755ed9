/**
 * The file system the engine reads through, and the load restrictions Flux runs kustomize with:
 * every path (after resolving symlinks) must stay inside a fence root, files must be under a size
 * limit, and with the RootOnly restrictor a kustomization may only read files in or below its own
 * directory (bases may be anywhere inside the fence, as in kustomize).
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KustomizeError } from './errors.js';

/** What the engine needs from a file system; synchronous, for speed. */
export interface KustomizeFs {
  /** Bytes of a regular file. */
  readFile(path: string): Buffer;
  /** Type and size after following symlinks; undefined when it does not exist. */
  stat(path: string): { isDirectory: boolean; isFile: boolean; size: number } | undefined;
  /** Canonical path with every symlink resolved. */
  realpath(path: string): string;
  /** Entry names of a directory. */
  readdir(path: string): string[];
}

/** The local disk. */
export function diskFs(): KustomizeFs {
  return {
    readFile: (p) => readFileSync(p),
    stat: (p) => {
      try {
        // No exception for a missing entry: a build probes three kustomization file names per directory.
        const s = statSync(p, { throwIfNoEntry: false });
        return s === undefined ? undefined : { isDirectory: s.isDirectory(), isFile: s.isFile(), size: s.size };
      } catch {
        return undefined; // a dangling symlink, a loop, no permission: not there for the build
      }
    },
    realpath: (p) => realpathSync(p),
    readdir: (p) => readdirSync(p),
  };
}

/** `RootOnly` (kustomize's default and Lockstep's) or `None` (only the fence applies). */
export type LoadRestrictor = 'RootOnly' | 'None';

/** Options of a {@link Loader}. */
export interface LoaderOptions {
  fs: KustomizeFs;
  /** No path may resolve outside this directory. */
  fenceRoot: string;
  restrictor: LoadRestrictor;
  maxFileBytes: number;
}

/** Reads files for the build, enforcing the fence, the restrictor and the size limit. */
export class Loader {
  readonly fence: string;
  constructor(readonly opts: LoaderOptions) {
    this.fence = this.real(resolve(opts.fenceRoot), opts.fenceRoot);
  }

  private real(p: string, shown: string): string {
    try {
      return this.opts.fs.realpath(p);
    } catch {
      throw new KustomizeError(`evalsymlink failure on '${p}': no such file or directory`, shown);
    }
  }

  private inside(child: string, parent: string): boolean {
    const rel = relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
  }

  /** Resolves `ref` relative to `dir`, checks existence and the fence; returns the canonical path. */
  resolve(dir: string, ref: string): { path: string; isDirectory: boolean } {
    const abs = resolve(dir, ref);
    const st = this.opts.fs.stat(abs);
    if (!st) throw new KustomizeError(`evalsymlink failure on '${abs}': no such file or directory`, ref);
    const real = this.real(abs, ref);
    if (!this.inside(real, this.fence)) {
      throw new KustomizeError(`security; path '${real}' is not in or below the build root '${this.fence}'`, ref);
    }
    return { path: real, isDirectory: st.isDirectory };
  }

  /** Reads a file referenced from kustomization directory `dir`, applying RootOnly to `dir`. */
  readRelative(dir: string, ref: string): { path: string; text: string; bytes: Buffer } {
    const r = this.resolve(dir, ref);
    if (r.isDirectory) throw new KustomizeError(`'${r.path}' is a directory, expected a file`, ref);
    if (this.opts.restrictor === 'RootOnly' && !this.inside(r.path, this.real(dir, dir))) {
      throw new KustomizeError(`security; file '${r.path}' is not in or below '${dir}'`, ref);
    }
    const bytes = this.readChecked(r.path);
    return { path: r.path, text: bytes.toString('utf8'), bytes };
  }

  /** Reads an already resolved file with the size limit. */
  readChecked(path: string): Buffer {
    const st = this.opts.fs.stat(path);
    if (!st || !st.isFile) throw new KustomizeError('not a regular file', path);
    if (st.size > this.opts.maxFileBytes) {
      throw new KustomizeError(`file is ${st.size} bytes, over the limit of ${this.opts.maxFileBytes}`, path);
    }
    return this.opts.fs.readFile(path);
  }

  /** Entry names of a directory inside the fence. */
  list(dir: string): string[] {
    return this.opts.fs.readdir(dir).sort();
  }

  /** True when `name` exists in `dir` as a regular file. */
  isFile(dir: string, name: string): boolean {
    return this.opts.fs.stat(join(dir, name))?.isFile === true;
  }
}
