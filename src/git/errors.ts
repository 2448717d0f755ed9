/**
 * Typed git errors. Git's stderr is classified ONCE, here, into a small set of kinds; callers branch on
 * `kind`, never on message text.
 */

/** What went wrong, as far as the caller needs to know. */
export const GitErrorKind = {
  /** Credentials missing, wrong or refused (HTTP 401/403, SSH publickey, host key mismatch). */
  Auth: 'auth',
  /** The host could not be reached (DNS, refused, reset, timed out at TCP level, hung up). */
  Unreachable: 'unreachable',
  /** The branch, tag, name or commit does not exist on the remote. */
  RefNotFound: 'ref-not-found',
  /** The repository does not exist on a host that answered. */
  RepositoryNotFound: 'repository-not-found',
  /** Input rejected before git ran (option-like URL or ref, bad scheme, bad path). */
  InvalidInput: 'invalid-input',
  /** The operation ran past its deadline and was killed. */
  Timeout: 'timeout',
  /** A size or count limit was exceeded (output, checkout size). */
  Limit: 'limit',
  /** Anything else. */
  Other: 'other',
} as const;
export type GitErrorKind = (typeof GitErrorKind)[keyof typeof GitErrorKind];

/** An error from a git operation, carrying the kind, the (credential-free) URL and git's stderr. */
export class GitError extends Error {
  readonly kind: GitErrorKind;
  /** The remote URL with any userinfo removed, when the operation had one. */
  readonly url: string | undefined;
  /** Git's stderr (trimmed, capped), with credentials redacted. */
  readonly stderr: string;
  constructor(kind: GitErrorKind, message: string, opts: { url?: string; stderr?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GitError';
    this.kind = kind;
    this.url = opts.url;
    this.stderr = opts.stderr ?? '';
  }
}

/** True when `e` is a {@link GitError}, optionally of the given kind. */
export function isGitError(e: unknown, kind?: GitErrorKind): e is GitError {
  return e instanceof GitError && (kind === undefined || e.kind === kind);
}

const rules: ReadonlyArray<readonly [GitErrorKind, RegExp]> = [
  [GitErrorKind.Auth, /Authentication failed|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]|Permission denied \(|Host key verification failed|HTTP Basic: Access denied|invalid credentials|No more authentication methods|Too many authentication failures|REMOTE HOST IDENTIFICATION HAS CHANGED|No (ED25519|RSA|ECDSA)? ?host key is known/i],
  [GitErrorKind.RepositoryNotFound, /repository '.*' not found|Repository not found|does not appear to be a git repository|returned error: 404|No such file or directory.*\.git|access denied or repository not exported|not a git repository/i],
  [GitErrorKind.RefNotFound, /couldn't find remote ref|Remote branch .* not found|not our ref|no such remote ref|unadvertised object|did not match any file|reference is not a tree|invalid reference|unknown revision|upload-pack: not our ref/i],
  [GitErrorKind.Unreachable, /Could not resolve host|Connection refused|Failed to connect|Connection timed out|Connection reset|Couldn't connect to server|unable to connect|Network is unreachable|No route to host|early EOF|remote end hung up|RPC failed|Empty reply from server|connection closed|Connection closed by|Broken pipe|transfer closed|Recv failure|unexpected disconnect|kex_exchange_identification/i],
];

/** Classifies git's stderr into a {@link GitErrorKind}; `other` when no rule matches. */
export function classifyGitStderr(stderr: string): GitErrorKind {
  for (const [kind, re] of rules) if (re.test(stderr)) return kind;
  return GitErrorKind.Other;
}

/** Removes `user:password@` from URLs and the value of Authorization headers from a text. */
export function redact(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1')
    .replace(/(Authorization:\s*\w+\s+)\S+/gi, '$1<redacted>');
}

/** A short human message for a classified failure: the kind in words plus git's last meaningful line. */
export function describeGitFailure(kind: GitErrorKind, what: string, stderr: string): string {
  const lines = redact(stderr)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('hint:'));
  const detail = lines.slice(-2).join('; ').slice(0, 400);
  const head: Record<GitErrorKind, string> = {
    auth: 'authentication failed',
    unreachable: 'host unreachable',
    'ref-not-found': 'reference not found',
    'repository-not-found': 'repository not found',
    'invalid-input': 'invalid input',
    timeout: 'timed out',
    limit: 'limit exceeded',
    other: 'git failed',
  };
  return `${what}: ${head[kind]}${detail ? `: ${detail}` : ''}`;
}
