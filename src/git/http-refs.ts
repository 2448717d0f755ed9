/**
 * Listing a remote's refs over smart HTTP without spawning git: one `GET <url>/info/refs?service=
 * git-upload-pack` (protocol v0 advertisement, pkt-lines), the same answer `git ls-remote` gives.
 * Used for polling http(s) remotes, where a git process per poll would cost more than the request.
 * Errors are classified like git's: 401/403 auth, 404 repository not found, network errors unreachable.
 * Redirects are followed only within the same origin (credentials never go to another host).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { GitAuth } from './auth.js';
import { GitError, GitErrorKind } from './errors.js';
import { parseLsRemote, type RemoteRefs } from './refs.js';
import { redactUrl } from './validate.js';

/** Options of {@link lsRemoteHttp}. */
export interface HttpRefsOptions {
  auth?: GitAuth;
  timeoutMs?: number;
  /** Largest advertisement accepted (default 64 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** Returned when the server is not a smart HTTP server (the caller falls back to the git CLI). */
export class NotSmartHttpError extends Error {
  override readonly name = 'NotSmartHttpError';
}

function authHeader(url: URL, auth: GitAuth | undefined): string | undefined {
  if (auth?.type === 'basic') return 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  if (auth?.type === 'bearer') return `Bearer ${auth.token}`;
  if (url.username) return 'Basic ' + Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  return undefined;
}

function get(url: URL, headers: Record<string, string>, opts: HttpRefsOptions): Promise<IncomingMessage> {
  const req = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = req(url, { method: 'GET', headers, timeout: opts.timeoutMs ?? 60_000, signal: opts.signal }, resolve);
    r.on('timeout', () => r.destroy(new GitError(GitErrorKind.Timeout, `ls-remote ${redactUrl(url.href)}: timed out`)));
    r.on('error', reject);
    r.end();
  });
}

/** Splits a pkt-line stream into payloads (flush packets omitted). */
export function parsePktLines(buf: Buffer): string[] {
  const out: string[] = [];
  let off = 0;
  while (off + 4 <= buf.length) {
    const len = parseInt(buf.toString('ascii', off, off + 4), 16);
    if (!Number.isFinite(len)) throw new Error('bad pkt-line length');
    if (len === 0 || len === 1 || len === 2) {
      off += 4;
      continue;
    }
    if (len < 4 || off + len > buf.length) throw new Error('truncated pkt-line');
    out.push(buf.toString('utf8', off + 4, off + len));
    off += len;
  }
  return out;
}

function classifyNetwork(err: unknown, where: string): GitError {
  if (err instanceof GitError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const msg = (err as Error).message;
  const unreachable = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE'].includes(code) || /socket hang up/.test(msg);
  if ((err as Error).name === 'AbortError') return new GitError(GitErrorKind.Timeout, `ls-remote ${where}: cancelled`, { url: where });
  return new GitError(unreachable ? GitErrorKind.Unreachable : GitErrorKind.Other, `ls-remote ${where}: ${unreachable ? 'host unreachable' : 'git failed'}: ${msg}`, { url: where, cause: err });
}

/** Lists refs of an http(s) remote (tags peeled), as {@link parseLsRemote} returns them. */
export async function lsRemoteHttp(remote: URL, opts: HttpRefsOptions = {}): Promise<RemoteRefs> {
  const where = redactUrl(remote.href);
  const headers: Record<string, string> = { 'User-Agent': 'git/2.39.5 (lockstep)', Accept: '*/*', Pragma: 'no-cache' };
  const auth = authHeader(remote, opts.auth);
  if (auth) headers.Authorization = auth;
  let url = new URL(remote.href.replace(/\/+$/, '') + '/info/refs?service=git-upload-pack');
  url.username = '';
  url.password = '';
  let res: IncomingMessage;
  for (let hops = 0; ; hops++) {
    try {
      res = await get(url, headers, opts);
    } catch (err) {
      throw classifyNetwork(err, where);
    }
    const loc = res.headers.location;
    if (res.statusCode && [301, 302, 303, 307, 308].includes(res.statusCode) && loc && hops < 5) {
      res.resume();
      const next = new URL(loc, url);
      if (next.origin !== url.origin) throw new GitError(GitErrorKind.Other, `ls-remote ${where}: redirect to another host (${next.origin}) refused`, { url: where });
      url = next;
      continue;
    }
    break;
  }
  const status = res.statusCode ?? 0;
  if (status !== 200) {
    res.resume();
    const kind = status === 401 || status === 403 ? GitErrorKind.Auth : status === 404 ? GitErrorKind.RepositoryNotFound : GitErrorKind.Other;
    const head = kind === GitErrorKind.Auth ? 'authentication failed' : kind === GitErrorKind.RepositoryNotFound ? 'repository not found' : 'git failed';
    throw new GitError(kind, `ls-remote ${where}: ${head}: HTTP ${status}`, { url: where });
  }
  if (res.headers['content-type'] !== 'application/x-git-upload-pack-advertisement') {
    res.resume();
    throw new NotSmartHttpError(`${where} is not a smart HTTP git server`);
  }
  const max = opts.maxBytes ?? 64 * 1024 * 1024;
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of res) {
      n += (c as Buffer).length;
      if (n > max) {
        res.destroy();
        throw new GitError(GitErrorKind.Limit, `ls-remote ${where}: advertisement larger than ${max} bytes`, { url: where });
      }
      chunks.push(c as Buffer);
    }
  } catch (err) {
    throw classifyNetwork(err, where);
  }
  let lines: string[];
  try {
    lines = parsePktLines(Buffer.concat(chunks));
  } catch (err) {
    throw new GitError(GitErrorKind.Other, `ls-remote ${where}: malformed advertisement: ${(err as Error).message}`, { url: where });
  }
  const text = lines
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.split('\0')[0]?.replace(/\n$/, '').replace(' ', '\t') ?? '')
    .join('\n');
  return parseLsRemote(text);
}
