/**
 * Real git servers on loopback for tests, and helpers to create repositories and push to them:
 * - {@link startGitHttpServer}: `git http-backend` (CGI) behind a small Node HTTP server, with optional
 *   basic or bearer auth and fault switches (break the upload-pack stream mid-clone);
 * - {@link startGitDaemon}: `git daemon` (git://);
 * - {@link startSshServer}: Debian's `sshd` on a free high port with a generated host key and client key.
 * Every server listens on 127.0.0.1 only; `stop()` ends the processes this module started.
 */
import { cgiEnv } from '../../src/gitserver/server.js';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo, type Socket, connect, createServer as createNetServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

const gitEnv = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Lockstep Test',
  GIT_AUTHOR_EMAIL: 'test@lockstep.invalid',
  GIT_COMMITTER_NAME: 'Lockstep Test',
  GIT_COMMITTER_EMAIL: 'test@lockstep.invalid',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

/** Runs git for the harness (argument array, test identity, no user config). */
export async function git(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await execFileP('git', args, { cwd, env: { ...process.env, ...gitEnv }, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** A scratch folder holding bare repositories `<name>.git`, each with a work clone to commit from. */
export class GitFixture {
  private constructor(readonly root: string) {}

  /** Creates a fixture under a fresh temp dir. */
  static async create(): Promise<GitFixture> {
    const root = await mkdtemp(join(tmpdir(), 'lockstep-git-'));
    await mkdir(join(root, 'repos'));
    await mkdir(join(root, 'work'));
    return new GitFixture(root);
  }

  /** Folder that holds the bare repositories (what the servers export). */
  get reposDir(): string {
    return join(this.root, 'repos');
  }

  /** Creates bare repo `<name>.git` and returns a handle; `files` become the first commit on `branch`. */
  async createRepo(name: string, opts: { files?: Record<string, string>; branch?: string } = {}): Promise<TestRepo> {
    const bare = join(this.reposDir, `${name}.git`);
    const work = join(this.root, 'work', name);
    const branch = opts.branch ?? 'main';
    await git(['init', '-q', '--bare', `--initial-branch=${branch}`, bare]);
    await git(['config', 'http.receivepack', 'true'], bare);
    await git(['config', 'uploadpack.allowAnySHA1InWant', 'true'], bare);
    await git(['init', '-q', `--initial-branch=${branch}`, work]);
    await git(['remote', 'add', 'origin', bare], work);
    const repo = new TestRepo(name, bare, work);
    if (opts.files) await repo.commit(opts.files, 'initial', { branch });
    return repo;
  }

  /** Removes everything. */
  async cleanup(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/** One test repository: a bare repo plus a work clone that pushes to it. */
export class TestRepo {
  constructor(
    readonly name: string,
    readonly bare: string,
    readonly work: string,
  ) {}

  /**
   * Writes `files` (a null value deletes), commits on `branch` (default main, created from the current
   * HEAD if new) and pushes. Returns the commit id.
   */
  async commit(files: Record<string, string | null>, message: string, opts: { branch?: string; symlinks?: Record<string, string> } = {}): Promise<string> {
    const branch = opts.branch ?? 'main';
    const has = await git(['rev-parse', '--verify', '-q', 'HEAD'], this.work).catch(() => '');
    if (has) await git(['checkout', '-q', '-B', branch], this.work);
    else await git(['checkout', '-q', '--orphan', branch], this.work);
    for (const [p, content] of Object.entries(files)) {
      const abs = join(this.work, p);
      if (content === null) await rm(abs, { force: true, recursive: true });
      else {
        await mkdir(dirname(abs), { recursive: true });
        await writeFile(abs, content);
      }
    }
    for (const [p, target] of Object.entries(opts.symlinks ?? {})) {
      const abs = join(this.work, p);
      await mkdir(dirname(abs), { recursive: true });
      await rm(abs, { force: true });
      const { symlink } = await import('node:fs/promises');
      await symlink(target, abs);
    }
    await git(['add', '-A'], this.work);
    await git(['commit', '-q', '--allow-empty', '-m', message], this.work);
    await git(['push', '-q', '--force', 'origin', `HEAD:refs/heads/${branch}`], this.work);
    return git(['rev-parse', 'HEAD'], this.work);
  }

  /** Tags the current HEAD (annotated when `message` is given) and pushes the tag. Returns the commit. */
  async tag(name: string, message?: string): Promise<string> {
    if (message) await git(['tag', '-f', '-a', '-m', message, name], this.work);
    else await git(['tag', '-f', name], this.work);
    await git(['push', '-q', '--force', 'origin', `refs/tags/${name}`], this.work);
    return git(['rev-parse', 'HEAD'], this.work);
  }

  /** Current HEAD commit of the work clone. */
  head(): Promise<string> {
    return git(['rev-parse', 'HEAD'], this.work);
  }

  /** Adds another repository as a submodule at `path` (using `url` as the submodule URL) and pushes. */
  async addSubmodule(url: string, path: string): Promise<string> {
    await git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', url, path], this.work);
    await git(['commit', '-q', '-m', `add submodule ${path}`], this.work);
    await git(['push', '-q', 'origin', 'HEAD'], this.work);
    return this.head();
  }
}

/** Fault switches of the HTTP git server. */
export interface GitHttpFaults {
  /** Send the upload-pack response headers and a few bytes, then destroy the connection. */
  breakUploadPack: boolean;
  /** Answer every request with this HTTP status (e.g. 500). */
  statusOverride?: number;
}

/** A running `git http-backend` server. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** URL of `<name>.git` (credential-free). */
  repoUrl(name: string): string;
  /** Mutable fault switches. */
  faults: GitHttpFaults;
  /** Requests served so far, by path, for assertions (e.g. "no fetch happened"). */
  requests: string[];
  stop(): Promise<void>;
}

/** Options for {@link startGitHttpServer}. */
export interface GitHttpServerOptions {
  /** Folder holding `<name>.git` repos. */
  root: string;
  /** Require these credentials (basic). */
  basic?: { username: string; password: string };
  /** Require this bearer token. */
  bearer?: string;
}

/** Starts `git http-backend` behind a Node HTTP server on 127.0.0.1:0. */
export async function startGitHttpServer(opts: GitHttpServerOptions): Promise<GitHttpServer> {
  const faults: GitHttpFaults = { breakUploadPack: false };
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests.push(`${req.method ?? 'GET'} ${req.url ?? ''}`);
    if (faults.statusOverride) {
      res.writeHead(faults.statusOverride).end('fault');
      return;
    }
    if (!authorized(req, opts)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('unauthorized');
      return;
    }
    serveCgi(req, res, opts.root, faults);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    repoUrl: (name) => `${baseUrl}/${name}.git`,
    faults,
    requests,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function authorized(req: IncomingMessage, opts: GitHttpServerOptions): boolean {
  const h = req.headers.authorization ?? '';
  if (opts.basic) {
    const want = 'Basic ' + Buffer.from(`${opts.basic.username}:${opts.basic.password}`).toString('base64');
    if (h !== want) return false;
  }
  if (opts.bearer && h !== `Bearer ${opts.bearer}`) return false;
  return true;
}

function serveCgi(req: IncomingMessage, res: ServerResponse, root: string, faults: GitHttpFaults): void {
  const u = new URL(req.url ?? '/', 'http://x');
  const env = cgiEnv(req, root, 'test');
  const isUploadPack = u.pathname.endsWith('/git-upload-pack');
  const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  req.pipe(cgi.stdin);
  cgi.stdin.on('error', () => {});
  let head = Buffer.alloc(0);
  let headersDone = false;
  let sent = 0;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) return writeBody(chunk);
    head = Buffer.concat([head, chunk]);
    const idx = head.indexOf('\r\n\r\n');
    if (idx < 0) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, idx).toString('latin1').split('\r\n')) {
      const c = line.indexOf(':');
      if (c < 0) continue;
      const k = line.slice(0, c).trim();
      const v = line.slice(c + 1).trim();
      if (k.toLowerCase() === 'status') status = parseInt(v, 10) || 200;
      else headers[k] = v;
    }
    res.writeHead(status, headers);
    writeBody(head.subarray(idx + 4));
  });
  function writeBody(b: Buffer): void {
    if (faults.breakUploadPack && isUploadPack && req.method === 'POST') {
      if (sent > 64) return;
      res.write(b.subarray(0, 64));
      sent += 64;
      res.socket?.destroy();
      cgi.kill('SIGKILL');
      return;
    }
    res.write(b);
  }
  cgi.on('close', () => {
    if (!headersDone && !res.headersSent) res.writeHead(500);
    res.end();
  });
  req.on('close', () => {
    if (cgi.exitCode === null && res.destroyed) cgi.kill('SIGKILL');
  });
}

/** A free TCP port on 127.0.0.1 (released before returning; a tiny race is accepted in tests). */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 2000);
  await done;
  clearTimeout(t);
}

/** A running `git daemon`. */
export interface GitDaemon {
  baseUrl: string;
  repoUrl(name: string): string;
  stop(): Promise<void>;
}

/** Starts `git daemon` exporting every repo under `root` on a free loopback port. */
export async function startGitDaemon(opts: { root: string }): Promise<GitDaemon> {
  const port = await freePort();
  const child = spawn(
    'git',
    ['daemon', '--reuseaddr', '--export-all', '--informative-errors', `--base-path=${opts.root}`, '--listen=127.0.0.1', `--port=${port}`, opts.root],
    { stdio: 'ignore', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } },
  );
  await waitForPort(port, child, 'git daemon');
  const baseUrl = `git://127.0.0.1:${port}`;
  return { baseUrl, repoUrl: (name) => `${baseUrl}/${name}.git`, stop: () => stopChild(child) };
}

/** A running sshd that serves the repos under `root` to the generated client key. */
export interface SshGitServer {
  port: number;
  /** `ssh://<user>@127.0.0.1:<port>/<root>/<name>.git` */
  repoUrl(name: string): string;
  /** OpenSSH private key of the authorised client (PEM text). */
  clientKey: string;
  /** A second key that is NOT authorised, for negative tests. */
  otherKey: string;
  /** `known_hosts` line for the server's host key. */
  knownHosts: string;
  /** A `known_hosts` line with a different key for the same host (host key mismatch tests). */
  wrongKnownHosts: string;
  stop(): Promise<void>;
}

/** True when Debian's sshd is installed (`scripts/install-system-deps.sh` installs it). */
export function sshdAvailable(): boolean {
  return existsSync('/usr/sbin/sshd');
}

async function keygen(path: string): Promise<void> {
  await execFileP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'lockstep-test', '-f', path]);
}

/** Starts sshd on a free port of 127.0.0.1 with fresh host and client keys. */
export async function startSshServer(opts: { root: string }): Promise<SshGitServer> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-sshd-'));
  await Promise.all([keygen(join(dir, 'host')), keygen(join(dir, 'client')), keygen(join(dir, 'other')), keygen(join(dir, 'wronghost'))]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client.pub')), { mode: 0o600 });
  const port = await freePort();
  const user = userInfo().username;
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    `AllowUsers ${user}`,
    'LogLevel ERROR',
    `SetEnv GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null`,
  ].join('\n');
  await writeFile(join(dir, 'sshd_config'), config + '\n');
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true });
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: 'ignore' });
  try {
    await waitForPort(port, child, 'sshd');
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  const hostPub = (await readFile(join(dir, 'host.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  const wrongPub = (await readFile(join(dir, 'wronghost.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  return {
    port,
    repoUrl: (name) => `ssh://${user}@127.0.0.1:${port}${join(opts.root, `${name}.git`)}`,
    clientKey: await readFile(join(dir, 'client'), 'utf8'),
    otherKey: await readFile(join(dir, 'other'), 'utf8'),
    knownHosts: `[127.0.0.1]:${port} ${hostPub}\n`,
    wrongKnownHosts: `[127.0.0.1]:${port} ${wrongPub}\n`,
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
