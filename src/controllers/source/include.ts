/**
 * `spec.include`: other GitRepositories' artifacts copied into this one's tree at `toPath` (default:
 * the included repository's name), from `fromPath` of the included artifact (default: its root).
 * Paths are checked (relative, no `..`), the artifact is unpacked with the reader's protections, and
 * the copy never goes through a symlink of the checkout.
 */
import { cp, lstat, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Artifact } from '../../api/meta.js';
import type { GitRepository, GitRepositoryInclude } from '../../api/gitrepository.js';
import { type ArtifactStorage, unpackArchive } from '../../artifact/index.js';
import { validateRelativePath } from '../../git/index.js';

/** An include whose artifact was found. */
export interface ResolvedInclude {
  include: GitRepositoryInclude;
  artifact: Artifact;
}

/** Why an include cannot be used now. */
export class IncludeError extends Error {
  override readonly name = 'IncludeError';
  constructor(
    message: string,
    /** `NotFound`, `NoArtifact` (retry later) or `InvalidPath` (spec problem). */
    readonly reason: 'NotFound' | 'NoArtifact' | 'InvalidPath',
  ) {
    super(message);
  }
}

/** Checks an include's paths; returns them normalised (`toPath` defaulted). */
export function includePaths(inc: GitRepositoryInclude): { from: string; to: string } {
  try {
    const from = validateRelativePath(inc.fromPath ?? '', 'include fromPath');
    const to = validateRelativePath(inc.toPath ?? inc.repository.name, 'include toPath');
    if (to === '') throw new IncludeError(`include toPath of '${inc.repository.name}' must not be the root`, 'InvalidPath');
    return { from, to };
  } catch (err) {
    if (err instanceof IncludeError) throw err;
    throw new IncludeError((err as Error).message, 'InvalidPath');
  }
}

/** Finds the included objects' artifacts (via `get`), failing with an {@link IncludeError}. */
export async function resolveIncludes(
  obj: GitRepository,
  get: (name: string) => Promise<GitRepository | undefined>,
  storage: ArtifactStorage,
): Promise<ResolvedInclude[]> {
  const out: ResolvedInclude[] = [];
  for (const include of obj.spec.include ?? []) {
    includePaths(include);
    const name = include.repository.name;
    if (name === obj.metadata.name) throw new IncludeError(`a GitRepository cannot include itself`, 'InvalidPath');
    const dep = await get(name);
    if (!dep) throw new IncludeError(`could not get resource for include '${name}': not found`, 'NotFound');
    const artifact = dep.status?.artifact;
    if (!artifact || !(await storage.exists(artifact))) throw new IncludeError(`no artifact available for include '${name}'`, 'NoArtifact');
    out.push({ include, artifact });
  }
  return out;
}

async function assertNoSymlinkOnPath(root: string, rel: string): Promise<void> {
  let cur = root;
  for (const part of rel.split('/')) {
    cur = join(cur, part);
    const st = await lstat(cur).catch(() => undefined);
    if (!st) return;
    if (st.isSymbolicLink()) throw new IncludeError(`include path '${rel}' goes through a symlink`, 'InvalidPath');
  }
}

/** Copies every resolved include into the checkout at `dir`. */
export async function copyIncludes(dir: string, includes: readonly ResolvedInclude[], storage: ArtifactStorage, tmpRoot: string): Promise<void> {
  for (const { include, artifact } of includes) {
    const { from, to } = includePaths(include);
    const scratch = await mkdtemp(join(tmpRoot, 'include-'));
    try {
      await unpackArchive(storage.absolute(artifact.path), scratch, { expectedDigest: artifact.digest });
      if (from) await assertNoSymlinkOnPath(scratch, from);
      const src = join(scratch, ...(from ? from.split('/') : []));
      const st = await stat(src).catch(() => undefined);
      if (!st?.isDirectory()) throw new IncludeError(`include fromPath '${from}' does not exist in the artifact of '${include.repository.name}'`, 'InvalidPath');
      await assertNoSymlinkOnPath(dir, to);
      const dest = join(dir, ...to.split('/'));
      await rm(dest, { recursive: true, force: true });
      await mkdir(dest, { recursive: true });
      await cp(src, dest, { recursive: true, verbatimSymlinks: true, force: true });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

/** The includes as recorded in status (`observedInclude`), comparable with JSON equality. */
export function observedIncludes(includes: readonly GitRepositoryInclude[] | undefined): GitRepositoryInclude[] {
  return (includes ?? []).map((i) => ({ repository: { name: i.repository.name }, ...(i.fromPath !== undefined ? { fromPath: i.fromPath } : {}), ...(i.toPath !== undefined ? { toPath: i.toPath } : {}) }));
}
