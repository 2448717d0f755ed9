/**
 * The local repository `lockstep up` serves: `.lockstep/repo`, a git work tree holding a copy of the
 * bundled `examples/` with one initial commit, created only the first time. Pushes to it update its work
 * tree (`receive.denyCurrentBranch=updateInstead`), so a user can either commit in it directly or clone
 * the served URL and push.
 */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from '../../git/index.js';

/** The author of commits the CLI makes. */
export const lockstepAuthor = { name: 'Lockstep', email: 'lockstep@users.noreply.localhost' } as const;

/** Environment giving git the CLI's identity (author and committer). */
export function authorEnv(author: { name: string; email: string } = lockstepAuthor): Record<string, string> {
  return { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email };
}

/** What {@link prepareLocalRepo} found or made. */
export interface LocalRepo {
  dir: string;
  branch: string;
  /** True when this call created it. */
  created: boolean;
}

/** Creates `dir` from `source` (copy, `git init`, initial commit) unless it already is a git repo. */
export async function prepareLocalRepo(opts: { dir: string; source: string; branch?: string }): Promise<LocalRepo> {
  const branch = opts.branch ?? 'main';
  if (existsSync(join(opts.dir, '.git'))) return { dir: opts.dir, branch, created: false };
  if (!existsSync(opts.source)) throw new Error(`the bundled example repository is missing: ${opts.source}`);
  mkdirSync(opts.dir, { recursive: true });
  cpSync(opts.source, opts.dir, { recursive: true });
  const run = (args: string[]): Promise<unknown> => runGit(args, { cwd: opts.dir, env: authorEnv(), what: `git ${args[0] ?? ''}` });
  await run(['init', '-q', `--initial-branch=${branch}`]);
  await run(['config', 'receive.denyCurrentBranch', 'updateInstead']);
  await run(['config', 'http.receivepack', 'true']);
  await run(['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  await run(['add', '-A']);
  await run(['commit', '-q', '-m', 'Initial commit: the Lockstep example repository']);
  return { dir: opts.dir, branch, created: true };
}
