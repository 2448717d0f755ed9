/**
 * The HTTP layer under {@link KubeClient}: one keep-alive agent built from the kubeconfig's TLS material,
 * credentials re-read from the kubeconfig on every request (exec plugins and token files refresh), a
 * token-bucket rate limit, response size limits and error classification. Bodies are sent as given:
 * nothing passes through client-node's typed models, so no field is ever dropped.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiReason, KubeApiError, errorFromResponse } from './errors.js';
import { TokenBucket } from './ratelimit.js';

/** Query values; `undefined` entries are omitted. */
export type Query = Record<string, string | number | boolean | undefined>;

/** One request. `path` starts with `/` (e.g. `/api/v1/namespaces`). */
export interface RawRequest {
  method: string;
  path: string;
  query?: Query;
  body?: string;
  contentType?: string;
  /** Idle timeout of the connection (default: the transport's `timeoutMs`; for streams none). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A complete answer with status 2xx. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface TransportOptions {
  /** Sustained requests per second (default 50; `0` disables the limit). */
  qps?: number;
  /** Requests allowed at once (default 300). */
  burst?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Largest response body accepted (default 256 MiB). */
  maxResponseBytes?: number;
  /** Sent as `User-Agent` (default `lockstep`). */
  userAgent?: string;
  /** Retries of a 429 that carries a Retry-After (default 3). */
  maxThrottleRetries?: number;
}

export function defaultTransportOptions(): Required<TransportOptions> {
  return { qps: 50, burst: 300, timeoutMs: 30_000, maxResponseBytes: 256 * 1024 * 1024, userAgent: 'lockstep', maxThrottleRetries: 3 };
}

/** Builds `path?query` with every value URI-encoded. */
export function buildPath(path: string, query: Query | undefined): string {
  if (!query) return path;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

/** See the module comment. */
export class Transport {
  readonly server: URL;
  readonly limiter: TokenBucket;
  private readonly opts: Required<TransportOptions>;
  private agent: http.Agent | undefined;

  constructor(private readonly kc: KubeConfig, opts: TransportOptions = {}) {
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error('kubeconfig: the current context has no cluster server');
    this.server = new URL(server);
    this.opts = { ...defaultTransportOptions(), ...opts };
    this.limiter = new TokenBucket({ qps: this.opts.qps, burst: this.opts.burst });
  }

  /**
   * Sends one request and reads the whole answer; rejects with {@link KubeApiError} unless 2xx. A 429
   * with a Retry-After (the server did not process the request) is retried up to `maxThrottleRetries`
   * times after the delay asked for (capped at 10 s), as client-go does.
   */
  async request(req: RawRequest): Promise<RawResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.open(req, false);
        const body = await readBody(res, this.opts.maxResponseBytes, { method: req.method, path: buildPath(req.path, req.query) });
        return { status: res.statusCode ?? 0, headers: res.headers, body };
      } catch (err) {
        const wait = throttleDelay(err);
        if (wait === undefined || attempt >= this.opts.maxThrottleRetries || req.signal?.aborted) throw err;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Opens a streaming request (a watch); rejects with {@link KubeApiError} unless 2xx. The caller reads it. */
  async stream(req: RawRequest): Promise<http.IncomingMessage> {
    return this.open(req, true);
  }

  /** Frees pooled connections. */
  close(): void {
    this.agent?.destroy();
  }

  private async prepare(): Promise<{ headers: Record<string, string>; agent: http.Agent }> {
    const o: https.RequestOptions = {};
    try {
      await this.kc.applyToHTTPSOptions(o);
    } catch (err) {
      // client-node refuses to build an agent for http:// without skipTLSVerify; headers are set before that.
      if (this.server.protocol !== 'http:') throw err;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
    if (o.auth) headers['Authorization'] = 'Basic ' + Buffer.from(o.auth).toString('base64');
    if (!this.agent) {
      const cluster = this.kc.getCurrentCluster();
      this.agent =
        this.server.protocol === 'http:'
          ? new http.Agent({ keepAlive: true, maxSockets: 64 })
          : new https.Agent({
              keepAlive: true,
              maxSockets: 64,
              ...(o.ca ? { ca: o.ca } : {}),
              ...(o.cert ? { cert: o.cert } : {}),
              ...(o.key ? { key: o.key } : {}),
              ...(o.pfx ? { pfx: o.pfx } : {}),
              ...(o.passphrase ? { passphrase: o.passphrase } : {}),
              ...(cluster?.skipTLSVerify ? { rejectUnauthorized: false } : {}),
              ...(cluster?.tlsServerName ? { servername: cluster.tlsServerName } : {}),
            });
    }
    return { headers, agent: this.agent };
  }

  private async open(req: RawRequest, streaming: boolean): Promise<http.IncomingMessage> {
    await this.limiter.acquire();
    const { headers, agent } = await this.prepare();
    const fullPath = buildPath(joinBase(this.server.pathname, req.path), req.query);
    const target = { method: req.method, path: buildPath(req.path, req.query) };
    headers['Accept'] = 'application/json';
    headers['User-Agent'] = this.opts.userAgent;
    if (req.body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(req.body));
    }
    const mod = this.server.protocol === 'http:' ? http : https;
    const timeoutMs = req.timeoutMs ?? (streaming ? 0 : this.opts.timeoutMs);
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const r = mod.request(
        {
          protocol: this.server.protocol,
          hostname: this.server.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: this.server.port || undefined,
          method: req.method,
          path: fullPath,
          headers,
          agent,
          ...(req.signal ? { signal: req.signal } : {}),
        },
        (res) => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) {
            resolve(res);
            return;
          }
          readBody(res, 1024 * 1024, target).then(
            (body) => reject(errorFromResponse({ code, body, target, retryAfterHeader: headerValue(res.headers['retry-after']) })),
            reject,
          );
        },
      );
      if (timeoutMs > 0) {
        r.setTimeout(timeoutMs, () => {
          r.destroy(new KubeApiError({ code: 0, reason: ApiReason.Timeout, message: `no answer within ${timeoutMs} ms`, target }));
        });
      }
      r.on('error', (err) => reject(asApiError(err, target)));
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
  }
}

/** The delay before retrying a throttled request, or undefined when it must not be retried. */
function throttleDelay(err: unknown): number | undefined {
  if (!(err instanceof KubeApiError) || err.reason !== ApiReason.TooManyRequests || err.retryAfterSeconds === undefined) return undefined;
  return Math.min(10_000, Math.max(0, err.retryAfterSeconds * 1000));
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function joinBase(base: string, path: string): string {
  const b = base.endsWith('/') ? base.slice(0, -1) : base;
  return b + path;
}

function asApiError(err: unknown, target: { method: string; path: string }): KubeApiError {
  if (err instanceof KubeApiError) return err;
  const e = err as NodeJS.ErrnoException;
  const reason = e.name === 'AbortError' ? ApiReason.Timeout : ApiReason.Network;
  return new KubeApiError({ code: 0, reason, message: e.message || String(err), target, cause: err });
}

function readBody(res: http.IncomingMessage, max: number, target: { method: string; path: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        res.destroy();
        reject(new KubeApiError({ code: res.statusCode ?? 0, reason: ApiReason.Unknown, message: `response larger than ${max} bytes`, target }));
        return;
      }
      chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', (err) => reject(asApiError(err, target)));
    res.on('aborted', () => reject(new KubeApiError({ code: 0, reason: ApiReason.Network, message: 'response aborted', target })));
  });
}
