/**
 * The artifact HTTP server: serves files under the storage root with GET and HEAD only, refusing
 * `..`, NUL, dot files (temp files) and anything whose real path leaves the root.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';

/** Options for {@link startArtifactServer}. */
export interface ArtifactServerOptions {
  /** Storage root to serve. */
  root: string;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free one). */
  port?: number;
}

/** A running artifact server. */
export interface ArtifactServer {
  /** `http://host:port` actually bound. */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

async function resolveSafe(rootReal: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const parts = decoded.split('/').filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => p === '..' || p === '.' || p.startsWith('.') || p.includes('\0') || p.includes('\\'))) return undefined;
  try {
    const real = await realpath(join(rootReal, ...parts));
    if (!real.startsWith(rootReal + sep)) return undefined;
    const st = await stat(real);
    return st.isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the server; resolves once it listens. */
export async function startArtifactServer(opts: ArtifactServerOptions): Promise<ArtifactServer> {
  const rootReal = await realpath(opts.root);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    void resolveSafe(rootReal, path).then(async (file) => {
      if (!file) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      const st = await stat(file);
      res.writeHead(200, {
        'Content-Type': file.endsWith('.tar.gz') ? 'application/gzip' : 'application/octet-stream',
        'Content-Length': String(st.size),
        'Last-Modified': st.mtime.toUTCString(),
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const s = createReadStream(file);
      s.on('error', () => res.destroy());
      s.pipe(res);
    }).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
