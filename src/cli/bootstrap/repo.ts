/**
 * The git side of `lockstep bootstrap git`: clone (or start) the branch, write the flux-system files,
 * commit only when something changed, push. Runs git through src/git (argument arrays, clean environment,
 * classified errors); credentials travel in the environment, never in argv or the remote URL on disk.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type GitAuth, GitError, GitErrorKind, lsRemote, openAuthSession, runGit, validateRefName, validateRemoteUrl } from '../../git/index.js';
import { authorEnv } from '../up/repo.js';

/** The files bootstrap manages, relative to the repository root. */
export type ManagedFiles = Record<string, string>;

/** Options of {@link syncRepoFiles}. */
export interface SyncRepoOptions {
  url: string;
  branch: string;
  auth: GitAuth;
  files: ManagedFiles;
  author: { name: string; email: string };
  /** Commit message (first line), used when the files change. */
  message: string;
  timeoutMs: number;
}

/** What happened in the repository. */
export interface SyncRepoResult {
  /** The commit now at the tip of the branch. */
  head: string;
  /** Whether a commit was made and pushed. */
  pushed: boolean;
  /** Files that changed. */
  changed: string[];
}

async function readOr(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Makes `files` be on `branch` of `url`: fetches the branch (an empty repository or a missing branch
 * starts a new history), writes the files, commits and pushes only when their content differs.
 */
export async function syncRepoFiles(o: SyncRepoOptions): Promise<SyncRepoResult> {
  const url = validateRemoteUrl(o.url);
  validateRefName(o.branch, 'branch');
  const session = await openAuthSession(url, o.auth);
  const work = await mkdtemp(join(tmpdir(), 'lockstep-bootstrap-'));
  const env = { ...session.env, ...authorEnv(o.author) };
  const git = (args: string[], what: string): Promise<{ stdout: string }> => runGit(args, { cwd: work, env, timeoutMs: o.timeoutMs, what, url: o.url });
  try {
    const refs = await lsRemote(o.url, { auth: o.auth, timeoutMs: o.timeoutMs, forceCli: true });
    const has = refs.has(`refs/heads/${o.branch}`);
    await git(['init', '-q', `--initial-branch=${o.branch}`], 'git init');
    await git(['remote', 'add', 'origin', o.url], 'git remote add');
    if (has) {
      await git(['fetch', '-q', '--depth=1', 'origin', `refs/heads/${o.branch}`], 'git fetch');
      await git(['checkout', '-q', '-B', o.branch, 'FETCH_HEAD'], 'git checkout');
    }
    const changed: string[] = [];
    for (const [rel, content] of Object.entries(o.files)) {
      const abs = join(work, rel);
      if ((await readOr(abs)) === content) continue;
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, content);
      changed.push(rel);
    }
    if (changed.length === 0) {
      const head = (await git(['rev-parse', 'HEAD'], 'git rev-parse')).stdout.trim();
      return { head, pushed: false, changed };
    }
    await git(['add', '--', ...changed], 'git add');
    await git(['commit', '-q', '-m', o.message], 'git commit');
    await git(['push', '-q', 'origin', `HEAD:refs/heads/${o.branch}`], 'git push');
    const head = (await git(['rev-parse', 'HEAD'], 'git rev-parse')).stdout.trim();
    return { head, pushed: true, changed };
  } finally {
    await session.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** One line for a git failure, with what to do. */
export function describeRepoError(err: unknown, url: string): string {
  if (!(err instanceof GitError)) return (err as Error).message;
  const hint: Partial<Record<GitErrorKind, string>> = {
    [GitErrorKind.Auth]: 'check --username/--password, --token or --private-key-file',
    [GitErrorKind.RepositoryNotFound]: 'check --url: no git repository there',
    [GitErrorKind.Unreachable]: 'check --url and that the host is reachable',
    [GitErrorKind.InvalidInput]: 'check --url and --branch',
  };
  return `git repository ${url}: ${err.message}${hint[err.kind] ? ` (${hint[err.kind] ?? ''})` : ''}`;
}
