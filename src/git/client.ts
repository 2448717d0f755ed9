/**
 * The git operations the source controller needs: list a remote's refs (`ls-remote`) and make a
 * shallow checkout of one commit (branch, tag, semver-picked tag, full ref name or commit), with
 * optional sparse checkout and submodules. Every input is validated first; every failure is a
 * classified {@link GitError}.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type GitAuth, openAuthSession } from './auth.js';
import { GitError, GitErrorKind, isGitError } from './errors.js';
import { type GitRefSpec, type RemoteRefs, type ResolvedRef, formatRevision, isCommitPin, parseLsRemote, resolveRef, validateRefSpec } from './refs.js';
import { NotSmartHttpError, lsRemoteHttp } from './http-refs.js';
import { runGit } from './run.js';
import { redactUrl, validateRefName, validateRelativePath, validateRemoteUrl } from './validate.js';

/** Options shared by remote operations. */
export interface RemoteOptions {
  /** Credentials (default none). */
  auth?: GitAuth;
  /** Deadline for each git process (default 60 s). */
  timeoutMs?: number;
  /** Cancels the operation. */
  signal?: AbortSignal;
  /** Allowed URL schemes (default http, https, ssh, git, file). */
  allowedSchemes?: readonly string[];
  /** List refs with `git ls-remote` even for http(s) (default: one HTTP request, no process). */
  forceCli?: boolean;
}

/** Lists the remote's refs, tags peeled to commits. */
export async function lsRemote(url: string, opts: RemoteOptions = {}): Promise<RemoteRefs> {
  const parsed = validateRemoteUrl(url, opts.allowedSchemes);
  if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && !opts.forceCli) {
    try {
      return await lsRemoteHttp(parsed, { auth: opts.auth, timeoutMs: opts.timeoutMs, signal: opts.signal });
    } catch (err) {
      if (!(err instanceof NotSmartHttpError)) throw err;
    }
  }
  const session = await openAuthSession(parsed, opts.auth ?? { type: 'none' });
  try {
    const { stdout } = await runGit(['ls-remote', '--', url], {
      env: session.env,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      what: `ls-remote ${redactUrl(url)}`,
      url: redactUrl(url),
      maxOutputBytes: 64 * 1024 * 1024,
    });
    return parseLsRemote(stdout);
  } finally {
    await session.close();
  }
}

/** Resolves a ref spec on the remote: `ls-remote` unless it is a commit pin. */
export async function resolveRemoteRef(url: string, ref: GitRefSpec, opts: RemoteOptions = {}): Promise<ResolvedRef> {
  validateRefSpec(ref);
  if (isCommitPin(ref)) return resolveRef(ref, new Map());
  return resolveRef(ref, await lsRemote(url, opts));
}

/** Options for {@link checkout}. */
export interface CheckoutOptions extends RemoteOptions {
  url: string;
  ref: GitRefSpec;
  /** An empty or absent directory to check out into. */
  dir: string;
  /** The result of an earlier {@link resolveRemoteRef}; resolved again when absent. */
  resolved?: ResolvedRef;
  /** Only these directories (cone mode). */
  sparseCheckout?: readonly string[];
  /** Initialise submodules recursively (shallow). */
  recurseSubmodules?: boolean;
  /** Reject checkouts (work tree plus .git) larger than this (default 1 GiB). */
  maxBytes?: number;
}

/** What was checked out. */
export interface CheckoutResult {
  commit: string;
  revision: string;
  /** First line of the commit message. */
  subject: string;
}

/**
 * Shallow-checks-out the ref into `dir`. Branches (without sparse checkout) take one `git clone
 * --depth=1 --single-branch`; everything else `git init`, optional sparse cone, `git fetch --depth=1`
 * of the ref (or of the commit itself for pins, falling back to the branch's history) and a detached
 * checkout. Then optional submodules. The revision reflects the commit actually fetched (a branch may
 * move between `ls-remote` and fetch); `resolved.commit` may be '' when the caller skipped `ls-remote`.
 */
export async function checkout(opts: CheckoutOptions): Promise<CheckoutResult> {
  const parsed = validateRemoteUrl(opts.url, opts.allowedSchemes);
  const sparse = (opts.sparseCheckout ?? []).map((p) => validateRelativePath(p, 'sparse checkout path')).filter((p) => p !== '');
  const resolved = opts.resolved ?? (await resolveRemoteRef(opts.url, opts.ref, opts));
  const session = await openAuthSession(parsed, opts.auth ?? { type: 'none' });
  const url = redactUrl(opts.url);
  const git = (args: string[], what: string) =>
    runGit(args, { cwd: opts.dir, env: session.env, timeoutMs: opts.timeoutMs, signal: opts.signal, what: `${what} ${url}`, url });
  try {
    const branch = !resolved.pinned && resolved.refName?.startsWith('refs/heads/') ? resolved.refName.slice('refs/heads/'.length) : undefined;
    if (branch !== undefined && sparse.length === 0) {
      validateRefName(branch, 'branch');
      await runGit(['clone', '-q', '--depth=1', '--no-tags', '--single-branch', '--branch', branch, '--', opts.url, opts.dir], {
        env: session.env, timeoutMs: opts.timeoutMs, signal: opts.signal, what: `clone ${url}`, url,
      }).catch((err: unknown) => {
        throw isGitError(err, GitErrorKind.Other) && /Remote branch .* not found|not found in upstream/.test(err.stderr)
          ? new GitError(GitErrorKind.RefNotFound, `branch ${JSON.stringify(branch)} not found on the remote`, { url, cause: err })
          : err;
      });
    } else {
      await runGit(['init', '-q', '--', opts.dir], { timeoutMs: opts.timeoutMs, what: 'git init' });
      if (sparse.length > 0) await git(['sparse-checkout', 'set', '--cone', '--', ...sparse], 'sparse-checkout');
      await fetchAndCheckout(git, opts.url, resolved);
    }
    if (opts.recurseSubmodules) {
      await git(['-c', 'protocol.file.allow=always', 'submodule', 'update', '--init', '--recursive', '--depth=1'], 'submodule update');
    }
    await checkSize(opts.dir, opts.maxBytes ?? 1024 * 1024 * 1024);
    const { stdout } = await git(['log', '-1', '--format=%H%x00%s', 'HEAD'], 'log');
    const [commit = '', subject = ''] = stdout.trim().split('\0');
    const revision = commit === resolved.commit ? resolved.revision : formatRevision(resolved.revisionName, commit);
    return { commit, revision, subject: subject.slice(0, 200) };
  } finally {
    await session.close();
  }
}

type Git = (args: string[], what: string) => Promise<{ stdout: string }>;

async function fetchAndCheckout(git: Git, url: string, resolved: ResolvedRef): Promise<void> {
  const base = ['fetch', '-q', '--no-tags', '--no-recurse-submodules'];
  const detach = ['-c', 'advice.detachedHead=false', 'checkout', '-q', '--detach'];
  if (resolved.pinned || resolved.refName === undefined) {
    try {
      await git([...base, '--depth=1', '--', url, resolved.commit], 'fetch');
    } catch (err) {
      // Servers may refuse wants by id; with a branch, fetch its history and look for the commit there.
      if (!resolved.refName || isHardFailure(err)) throw notFoundCommit(err, resolved);
      await git([...base, '--', url, `+${resolved.refName}:refs/lockstep/fetched`], 'fetch');
    }
    await git([...detach, resolved.commit], 'checkout').catch((err: unknown) => {
      throw notFoundCommit(err, resolved);
    });
    return;
  }
  await git([...base, '--depth=1', '--', url, `+${resolved.refName}:refs/lockstep/fetched`], 'fetch');
  await git([...detach, 'refs/lockstep/fetched^{commit}'], 'checkout');
}

function isHardFailure(err: unknown): boolean {
  const hard: readonly string[] = [GitErrorKind.Auth, GitErrorKind.Unreachable, GitErrorKind.Timeout, GitErrorKind.RepositoryNotFound, GitErrorKind.Limit];
  return isGitError(err) && hard.includes(err.kind);
}

function notFoundCommit(err: unknown, resolved: ResolvedRef): unknown {
  if (isHardFailure(err)) return err;
  const where = resolved.refName ? ` on ${resolved.refName}` : '';
  return new GitError(GitErrorKind.RefNotFound, `commit ${resolved.commit} not found${where}`, { cause: err });
}

async function checkSize(dir: string, max: number): Promise<void> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) total += (await lstat(p)).size;
      if (total > max) throw new GitError(GitErrorKind.Limit, `checkout is larger than the limit of ${max} bytes`);
    }
  }
}
