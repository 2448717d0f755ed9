/**
 * Git reference specs as Flux has them (`branch` < `tag` < `semver` < `name` < `commit`, later ones
 * winning), the remote's refs as `git ls-remote` lists them, and the resolution of one into a commit and
 * a Flux revision string (`main@sha1:<commit>`, `v1.2.0@sha1:<commit>`, `sha1:<commit>`).
 */
import semver from 'semver';
import { GitError, GitErrorKind } from './errors.js';
import { validateCommit, validateRefName } from './validate.js';

/** What to check out (GitRepository `spec.ref`). Empty means branch `master`, as in Flux. */
export interface GitRefSpec {
  branch?: string;
  tag?: string;
  semver?: string;
  name?: string;
  commit?: string;
}

/** The default branch when a ref spec names nothing. */
export const defaultBranch = 'master';

/** Refs of a remote: full ref name → commit id (annotated tags already peeled to their commit). */
export type RemoteRefs = ReadonlyMap<string, string>;

/** What a ref spec resolved to. */
export interface ResolvedRef {
  /** The commit to check out. */
  commit: string;
  /** The full ref to fetch (`refs/heads/main`), absent for a bare commit pin. */
  refName?: string;
  /** The short name used in the revision (`main`, `v1.0.0`, `refs/pull/1/head`), absent for a bare commit. */
  revisionName?: string;
  /** Flux's revision string: `<name>@sha1:<commit>` or `sha1:<commit>`. */
  revision: string;
  /** True for commit pins: the commit is fixed, the ref (if any) only says where to find it. */
  pinned?: boolean;
}

/** Flux's revision string for a name and a commit; `sha1:<commit>` without a name (`sha256:` for 64-hex ids). */
export function formatRevision(name: string | undefined, commit: string): string {
  const algo = commit.length === 64 ? 'sha256' : 'sha1';
  return name ? `${name}@${algo}:${commit}` : `${algo}:${commit}`;
}

/** The commit id in a revision string (`main@sha1:abc` → `abc`), or undefined when it has none. */
export function revisionCommit(revision: string): string | undefined {
  const m = /(?:^|@)sha(?:1|256):([0-9a-f]+)$/.exec(revision);
  return m?.[1];
}

/** Parses `git ls-remote` output. Peeled tag lines (`^{}`) replace the tag object's id. */
export function parseLsRemote(out: string, maxRefs = 100_000): Map<string, string> {
  const refs = new Map<string, string>();
  const peeled = new Set<string>();
  let n = 0;
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]{40}|[0-9a-f]{64})\t(\S+)$/.exec(line);
    if (!m) continue;
    if (++n > maxRefs) throw new GitError(GitErrorKind.Limit, `remote advertises more than ${maxRefs} refs`);
    const [, id, name] = m as unknown as [string, string, string];
    if (name.endsWith('^{}')) {
      refs.set(name.slice(0, -3), id);
      peeled.add(name.slice(0, -3));
    } else if (!peeled.has(name)) refs.set(name, id);
  }
  return refs;
}

/** Validates every field of a ref spec; throws `invalid-input` GitErrors. */
export function validateRefSpec(spec: GitRefSpec): void {
  if (spec.branch !== undefined) validateRefName(spec.branch, 'branch');
  if (spec.tag !== undefined) validateRefName(spec.tag, 'tag');
  if (spec.name !== undefined) {
    validateRefName(spec.name, 'ref name');
    if (!spec.name.startsWith('refs/')) throw new GitError(GitErrorKind.InvalidInput, `invalid ref name ${JSON.stringify(spec.name)}: must start with refs/`);
  }
  if (spec.commit !== undefined) validateCommit(spec.commit);
  if (spec.semver !== undefined) semverRange(spec.semver);
}

/** Parses a semver constraint (Masterminds-style commas become spaces). Throws `invalid-input`. */
export function semverRange(expr: string): semver.Range {
  const norm = expr.replace(/,/g, ' ').trim();
  try {
    if (norm.startsWith('-')) throw new Error('option-like');
    return new semver.Range(norm, { loose: true });
  } catch {
    throw new GitError(GitErrorKind.InvalidInput, `invalid semver range ${JSON.stringify(expr)}`);
  }
}

/** The highest tag of `refs` satisfying the range, by semver precedence; undefined when none. */
export function pickSemverTag(refs: RemoteRefs, range: semver.Range): { tag: string; commit: string } | undefined {
  let best: { tag: string; commit: string; v: semver.SemVer } | undefined;
  for (const [name, commit] of refs) {
    if (!name.startsWith('refs/tags/')) continue;
    const tag = name.slice('refs/tags/'.length);
    const v = semver.parse(tag, { loose: true });
    if (!v || !range.test(v)) continue;
    if (!best || semver.gt(v, best.v) || (semver.eq(v, best.v) && tag < best.tag)) best = { tag, commit, v };
  }
  return best && { tag: best.tag, commit: best.commit };
}

/** True when resolving this spec needs no remote refs (a commit pin). */
export function isCommitPin(spec: GitRefSpec): boolean {
  return spec.commit !== undefined;
}

/**
 * Resolves a ref spec against a remote's refs (ignored for commit pins). Throws `ref-not-found` when
 * the ref does not exist or no tag matches the semver range.
 */
export function resolveRef(spec: GitRefSpec, refs: RemoteRefs): ResolvedRef {
  validateRefSpec(spec);
  if (spec.commit !== undefined) {
    const commit = spec.commit.toLowerCase();
    return spec.branch
      ? { commit, refName: `refs/heads/${spec.branch}`, revisionName: spec.branch, revision: formatRevision(spec.branch, commit), pinned: true }
      : { commit, revision: formatRevision(undefined, commit), pinned: true };
  }
  const notFound = (what: string): never => {
    throw new GitError(GitErrorKind.RefNotFound, `${what} not found on the remote`);
  };
  const lookup = (full: string, short: string, what: string): ResolvedRef => {
    const commit = refs.get(full) ?? notFound(what);
    return { commit, refName: full, revisionName: short, revision: formatRevision(short, commit) };
  };
  if (spec.name !== undefined) return lookup(spec.name, spec.name, `ref ${JSON.stringify(spec.name)}`);
  if (spec.semver !== undefined) {
    const hit = pickSemverTag(refs, semverRange(spec.semver));
    if (!hit) return notFound(`no tag matching semver range ${JSON.stringify(spec.semver)}`);
    return lookup(`refs/tags/${hit.tag}`, hit.tag, `tag ${hit.tag}`);
  }
  if (spec.tag !== undefined) return lookup(`refs/tags/${spec.tag}`, spec.tag, `tag ${JSON.stringify(spec.tag)}`);
  const branch = spec.branch ?? defaultBranch;
  return lookup(`refs/heads/${branch}`, branch, `branch ${JSON.stringify(branch)}`);
}
