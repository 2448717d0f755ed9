/** A minimal HTTPS client for tests that talk to the local cluster directly (raw requests, exact bytes). */
import { request } from 'node:https';

/** The response of {@link clusterRequest}. */
export interface ClusterResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

/** Options of {@link clusterRequest}. */
export interface ClusterRequestOptions {
  method?: string;
  body?: unknown;
  /** Content-Type (default application/json when a body is given). */
  contentType?: string;
  headers?: Record<string, string | string[]>;
  /** Bearer token; `null` sends none. Default: the cluster's admin token. */
  token?: string | null;
  cert?: { cert: string; key: string };
}

/** Sends one request to the cluster (CA-verified TLS) and reads the whole response. */
export function clusterRequest(c: { url: string; caCert: string; adminToken: string }, path: string, opts: ClusterRequestOptions = {}): Promise<ClusterResponse> {
  const url = new URL(path, c.url);
  const headers: Record<string, string | string[]> = { Accept: 'application/json', ...opts.headers };
  const token = opts.token === undefined ? c.adminToken : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let payload: Buffer | undefined;
  if (opts.body !== undefined) {
    payload = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    headers['Content-Type'] = opts.contentType ?? 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers, ca: c.caCert, cert: opts.cert?.cert, key: opts.cert?.key, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
