/**
 * Credentials for git, passed without touching argv or disk in clear:
 * - HTTP basic and bearer: an `http.extraHeader` set through git's `GIT_CONFIG_COUNT/KEY/VALUE`
 *   environment (not `-c`, which would show in argv);
 * - SSH: a private `ssh-agent` per session, loaded through `ssh-add -` on stdin; only the public key
 *   and `known_hosts` are written (to a 0700 temp dir), and host keys are checked strictly.
 * Caveat: the environment of a process is readable by the same user through /proc.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError, GitErrorKind } from './errors.js';

/** How to authenticate to a remote. */
export type GitAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'ssh'; identity: string; knownHosts: string };

/** The environment an authenticated git command needs; `close()` tears the session down. */
export interface GitAuthSession {
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Options for {@link openAuthSession}. */
export interface AuthSessionOptions {
  /** SSH connect timeout in seconds (default 15). */
  sshConnectTimeoutSec?: number;
}

const noop = async (): Promise<void> => {};

/** Environment setting git config entries without argv (git >= 2.31). */
export function configEnv(entries: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env;
}

/** Opens what `auth` needs for `url` (a parsed, validated URL). Always call `close()`. */
export async function openAuthSession(url: URL, auth: GitAuth, opts: AuthSessionOptions = {}): Promise<GitAuthSession> {
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'ssh') return openSshSession(auth, opts);
  if (auth.type === 'ssh') throw new GitError(GitErrorKind.InvalidInput, `SSH credentials given for a ${scheme} URL`);
  if (auth.type === 'basic') {
    const token = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
    return { env: configEnv([['http.extraHeader', `Authorization: Basic ${token}`]]), close: noop };
  }
  if (auth.type === 'bearer') {
    return { env: configEnv([['http.extraHeader', `Authorization: Bearer ${auth.token}`]]), close: noop };
  }
  return { env: {}, close: noop };
}

function quotePath(p: string): string {
  // The ssh command line is the one place git hands a string to a shell; only our own temp paths go in.
  if (!/^[A-Za-z0-9_./+-]+$/.test(p)) throw new GitError(GitErrorKind.InvalidInput, `unsafe temporary path ${p}`);
  return `'${p}'`;
}

async function openSshSession(auth: GitAuth, opts: AuthSessionOptions): Promise<GitAuthSession> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-ssh-'));
  await chmod(dir, 0o700);
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, auth.type === 'ssh' ? auth.knownHosts : '', { mode: 0o600 });
  const base = [
    'ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes',
    `-o UserKnownHostsFile=${quotePath(knownHosts)} -o GlobalKnownHostsFile=/dev/null`,
    `-o ConnectTimeout=${opts.sshConnectTimeoutSec ?? 15} -o IdentitiesOnly=yes -o PasswordAuthentication=no`,
    '-o KbdInteractiveAuthentication=no',
  ].join(' ');
  if (auth.type !== 'ssh') {
    return { env: { GIT_SSH_COMMAND: `${base} -o IdentityFile=/dev/null -o IdentityAgent=none` }, close: () => rm(dir, { recursive: true, force: true }) };
  }
  const sock = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  const close = async (): Promise<void> => {
    if (agent.exitCode === null) agent.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => existsSync(sock), 3000, 'ssh-agent did not start');
    await sshAdd(sock, auth.identity);
    const pub = await sshAddList(sock);
    const pubFile = join(dir, 'identity.pub');
    await writeFile(pubFile, pub, { mode: 0o600 });
    const cmd = `${base} -o IdentityAgent=${quotePath(sock)} -o IdentityFile=${quotePath(pubFile)}`;
    return { env: { GIT_SSH_COMMAND: cmd }, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new GitError(GitErrorKind.Other, what);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function runWithStdin(cmd: string, args: string[], input: string, env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8').slice(0, 65536)));
    p.stderr.on('data', (d: Buffer) => (err += d.toString('utf8').slice(0, 65536)));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? 1, out, err }));
    p.stdin.on('error', () => {});
    p.stdin.end(input);
  });
}

async function sshAdd(sock: string, identity: string): Promise<void> {
  const key = identity.endsWith('\n') ? identity : identity + '\n';
  // A lifetime, so the key leaves the agent even if this process dies before close() stops the agent.
  const r = await runWithStdin('ssh-add', ['-q', '-t', '3600', '-'], key, { SSH_AUTH_SOCK: sock, SSH_ASKPASS: '/bin/false', DISPLAY: '' });
  if (r.code !== 0) {
    throw new GitError(GitErrorKind.Auth, `SSH identity could not be loaded (is it a valid, unencrypted private key?): ${r.err.trim().slice(0, 200)}`);
  }
}

async function sshAddList(sock: string): Promise<string> {
  const r = await runWithStdin('ssh-add', ['-L'], '', { SSH_AUTH_SOCK: sock });
  if (r.code !== 0 || r.out.trim() === '') throw new GitError(GitErrorKind.Auth, 'SSH identity not present in agent');
  return r.out;
}
