/**
 * A small git smart-HTTP server for `lockstep up`: `git http-backend` (CGI) behind a Node HTTP server
 * listening on loopback only. It serves every repository under `root` (bare `name.git` or a work tree
 * `name/` with `.git`), for fetch and push. Requests are bounded (body size, CGI run time); nothing is
 * exposed beyond 127.0.0.1. Optional basic auth.
 */
import { spawn } from 'node:child_process';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Options of {@link startGitServer}. */
export interface GitServerOptions {
  /** Folder holding the repositories. */
  root: string;
  /** TCP port (default 0: a free one). */
  port?: number;
  /** Require these credentials (HTTP basic). */
  basic?: { username: string; password: string } | undefined;
  /** Most bytes accepted in one request body (default 512 MiB). */
  maxBodyBytes?: number;
  /** Longest a single git request may run (default 10 min). */
  requestTimeoutMs?: number;
  /** Called after a push (receive-pack) to a repository completed, with its path relative to root. */
  onPush?: ((repo: string) => void) | undefined;
}

/** A running server. */
export interface GitServer {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** The URL of a repository path relative to root (`repo` → `http://127.0.0.1:<port>/repo`). */
  repoUrl(name: string): string;
  close(): Promise<void>;
}

/** Defaults of {@link GitServerOptions}. */
export function defaultGitServerOptions(): Required<Omit<GitServerOptions, 'root' | 'basic' | 'onPush'>> {
  return { port: 0, maxBodyBytes: 512 * 1024 * 1024, requestTimeoutMs: 10 * 60_000 };
}

/** Starts the server on 127.0.0.1. */
export async function startGitServer(options: GitServerOptions): Promise<GitServer> {
  const opts = { ...defaultGitServerOptions(), ...options };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (!authorized(req, opts.basic)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="lockstep"' }).end('unauthorized\n');
      return;
    }
    const len = Number(req.headers['content-length'] ?? '0');
    if (len > opts.maxBodyBytes) {
      res.writeHead(413).end('request too large\n');
      return;
    }
    serveCgi(req, res, opts);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    repoUrl: (name) => `${baseUrl}/${name.replace(/^\/+/, '')}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function authorized(req: IncomingMessage, basic: GitServerOptions['basic']): boolean {
  if (!basic) return true;
  const want = 'Basic ' + Buffer.from(`${basic.username}:${basic.password}`).toString('base64');
  return req.headers.authorization === want;
}

/** Parses the CGI header block into a status and headers. */
export function parseCgiHeaders(block: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    const k = line.slice(0, c).trim();
    const v = line.slice(c + 1).trim();
    if (k.toLowerCase() === 'status') status = parseInt(v, 10) || 200;
    else headers[k] = v;
  }
  return { status, headers };
}

/**
 * The CGI environment `git http-backend` needs for one request under `root`. `remoteUser` is set because
 * http-backend enables receive-pack (push) only for an authenticated user.
 */
export function cgiEnv(req: IncomingMessage, root: string, remoteUser = 'lockstep'): Record<string, string> {
  const u = new URL(req.url ?? '/', 'http://x');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(u.pathname),
    QUERY_STRING: u.search.replace(/^\?/, ''),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_USER: remoteUser,
  };
  if (req.headers['git-protocol']) env['GIT_PROTOCOL'] = String(req.headers['git-protocol']);
  if (req.headers['content-encoding']) env['HTTP_CONTENT_ENCODING'] = String(req.headers['content-encoding']);
  if (req.headers['content-length']) env['CONTENT_LENGTH'] = String(req.headers['content-length']);
  return env;
}

type CgiOptions = Required<Omit<GitServerOptions, 'basic' | 'onPush'>> & Pick<GitServerOptions, 'onPush'>;

function serveCgi(req: IncomingMessage, res: ServerResponse, opts: CgiOptions): void {
  const cgi = spawn('git', ['http-backend'], { env: cgiEnv(req, opts.root), stdio: ['pipe', 'pipe', 'ignore'] });
  const timer = setTimeout(() => cgi.kill('SIGKILL'), opts.requestTimeoutMs);
  let received = 0;
  req.on('data', (b: Buffer) => {
    received += b.length;
    if (received > opts.maxBodyBytes) {
      cgi.kill('SIGKILL');
      req.destroy();
    }
  });
  req.pipe(cgi.stdin);
  cgi.stdin.on('error', () => undefined);
  cgi.on('error', () => {
    if (!res.headersSent) res.writeHead(500);
    res.end('git http-backend failed to start\n');
  });
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    let idx = head.indexOf('\r\n\r\n');
    let sep = 4;
    if (idx < 0) {
      idx = head.indexOf('\n\n');
      sep = 2;
    }
    if (idx < 0) return;
    headersDone = true;
    const { status, headers } = parseCgiHeaders(head.subarray(0, idx).toString('latin1'));
    res.writeHead(status, headers);
    res.write(head.subarray(idx + sep));
  });
  cgi.on('close', (code) => {
    clearTimeout(timer);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (code === 0 && req.method === 'POST' && path.endsWith('/git-receive-pack')) {
      opts.onPush?.(decodeURIComponent(path.slice(1, -'/git-receive-pack'.length)));
    }
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
  res.on('close', () => {
    if (cgi.exitCode === null && !res.writableFinished) cgi.kill('SIGKILL');
  });
}
