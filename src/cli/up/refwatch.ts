/**
 * Watches one branch of a local repository that `lockstep up` serves, so a commit made directly in it
 * (no push, hence no git server hook) reaches the cluster promptly instead of at the next
 * GitRepository interval. inotify (`fs.watch`) on the git directory and on the branch ref's folder
 * wakes a debounced `git rev-parse`; the callback runs only when the branch's commit really changed.
 *
 * Caveats: a ref rewritten by `git pack-refs` changes `packed-refs` in the git directory, which is
 * watched too; a branch whose ref folder does not exist yet (no commit on it) is caught through the
 * git directory's events plus a slow safety poll (`pollMs`). The watcher holds file handles: `close()`
 * it, or the process will not exit.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { runGit } from '../../git/index.js';

/** Options of {@link watchBranch}. */
export interface BranchWatchOptions {
  /** The work tree or bare repository. */
  dir: string;
  branch: string;
  /** Called with the new commit (not for the commit found at start). */
  onChange: (commit: string) => void;
  /** Quiet time after the last file event before the ref is read (default 150 ms). */
  debounceMs?: number;
  /** Safety poll when no event arrives (default 10 s; 0 disables). */
  pollMs?: number;
}

/** A running watch. */
export interface BranchWatch {
  /** The commit the branch pointed at when last read ('' when it does not exist). */
  current(): string;
  close(): void;
}

/** The git directory of a work tree (`.git`) or of a bare repository (itself). */
export function gitDirOf(dir: string): string {
  return existsSync(join(dir, '.git')) ? join(dir, '.git') : dir;
}

async function readBranch(dir: string, branch: string): Promise<string> {
  try {
    const out = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: dir, timeoutMs: 10_000, what: 'rev-parse' });
    return out.stdout.trim();
  } catch {
    return '';
  }
}

/** Starts watching `refs/heads/<branch>` of `dir`; resolves once the starting commit is known. */
export async function watchBranch(opts: BranchWatchOptions): Promise<BranchWatch> {
  const gitDir = gitDirOf(opts.dir);
  let last = await readBranch(opts.dir, opts.branch);
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let reading = false;
  let again = false;
  const check = async (): Promise<void> => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const now = await readBranch(opts.dir, opts.branch);
        if (!closed && now !== '' && now !== last) {
          last = now;
          opts.onChange(now);
        }
      } while (again && !closed);
    } finally {
      reading = false;
    }
  };
  const schedule = (): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void check(), opts.debounceMs ?? 150);
  };
  const watchers: FSWatcher[] = [];
  const refFolder = dirname(join(gitDir, 'refs', 'heads', opts.branch));
  for (const folder of new Set([gitDir, refFolder])) {
    if (!existsSync(folder)) continue;
    try {
      const w = watch(folder, { persistent: true }, schedule);
      w.on('error', () => undefined);
      watchers.push(w);
    } catch {
      // Folder vanished or inotify limit reached: the safety poll still works.
    }
  }
  const pollMs = opts.pollMs ?? 10_000;
  const poll = pollMs > 0 ? setInterval(schedule, pollMs) : undefined;
  return {
    current: () => last,
    close: () => {
      closed = true;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}
