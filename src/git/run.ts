/**
 * Runs the git CLI: `execFile` with an argument array (never a shell), a clean environment (no user or
 * system config, no prompts, C locale, an allow-list of transports), a deadline and an output cap.
 * Failures become classified {@link GitError}s.
 */
import { execFile } from 'node:child_process';
import { GitError, GitErrorKind, classifyGitStderr, describeGitFailure, redact } from './errors.js';

/** Options for {@link runGit}. */
export interface RunGitOptions {
  /** Working directory. */
  cwd?: string;
  /** Extra environment (credentials travel here, never in argv). */
  env?: Record<string, string>;
  /** Kill git after this long (default 60 s). */
  timeoutMs?: number;
  /** Cap on stdout and stderr each (default 32 MiB). */
  maxOutputBytes?: number;
  /** Cancels the operation. */
  signal?: AbortSignal;
  /** Named in error messages, e.g. "ls-remote". */
  what?: string;
  /** The remote URL (credential-free), carried by errors. */
  url?: string;
}

/** Default option values for {@link runGit}. */
export function defaultRunGitOptions(): Required<Pick<RunGitOptions, 'timeoutMs' | 'maxOutputBytes'>> {
  return { timeoutMs: 60_000, maxOutputBytes: 32 * 1024 * 1024 };
}

/** The environment every git process gets, before the caller's additions. */
export function baseGitEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/nonexistent',
    LC_ALL: 'C',
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ALLOW_PROTOCOL: 'http:https:ssh:git:file',
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_LFS_SKIP_SMUDGE: '1',
  };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return env;
}

/** What a successful git run printed. */
export interface GitOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs `git <args>`. Rejects with a {@link GitError}: `timeout` when killed by the deadline, `limit`
 * when output exceeded the cap, otherwise the kind classified from stderr. Messages and stderr are
 * redacted of credentials.
 */
export function runGit(args: readonly string[], opts: RunGitOptions = {}): Promise<GitOutput> {
  const d = defaultRunGitOptions();
  const timeout = opts.timeoutMs ?? d.timeoutMs;
  const what = opts.what ?? `git ${args[0] ?? ''}`;
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...args],
      {
        cwd: opts.cwd,
        env: { ...baseGitEnv(), ...opts.env },
        timeout,
        killSignal: 'SIGKILL',
        maxBuffer: opts.maxOutputBytes ?? d.maxOutputBytes,
        signal: opts.signal,
        encoding: 'utf8',
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: string | number | null };
        const clean = redact(String(stderr ?? '')).slice(-4000);
        let kind = classifyGitStderr(clean);
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') kind = GitErrorKind.Limit;
        else if (e.killed && e.signal === 'SIGKILL' && kind === GitErrorKind.Other) kind = GitErrorKind.Timeout;
        else if (e.name === 'AbortError') kind = GitErrorKind.Timeout;
        const msg = kind === GitErrorKind.Timeout ? `${what}: timed out after ${timeout} ms` : describeGitFailure(kind, what, clean || e.message);
        reject(new GitError(kind, msg, { url: opts.url, stderr: clean }));
      },
    );
  });
}
