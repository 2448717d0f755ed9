/**
 * Downloading an artifact from its URL (what consumers such as the kustomize controller do): size
 * limit, timeout, digest check, then unpack with {@link unpackArchive}'s protections.
 */
import { get } from 'node:http';
import { ArchiveError, ArchiveErrorKind } from './errors.js';
import { type UnpackOptions, type UnpackResult, unpackBuffer } from './unpack.js';
import { digestOf } from './digest.js';

/** Options for {@link downloadArtifact}. */
export interface DownloadOptions {
  /** Reject downloads larger than this (default 256 MiB). */
  maxBytes?: number;
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** When set, the body's sha256 must equal this. */
  expectedDigest?: string;
}

/** Downloads `url` (http only) into memory, enforcing size, timeout and digest. */
export function downloadArtifact(url: string, opts: DownloadOptions = {}): Promise<Buffer> {
  const max = opts.maxBytes ?? 256 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (!/^http:\/\//.test(url)) return reject(new ArchiveError(ArchiveErrorKind.Io, `unsupported artifact URL ${url}`));
    const req = get(url, { timeout: opts.timeoutMs ?? 60_000 }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new ArchiveError(ArchiveErrorKind.Io, `GET ${url}: HTTP ${res.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let n = 0;
      res.on('data', (c: Buffer) => {
        n += c.length;
        if (n > max) {
          req.destroy();
          reject(new ArchiveError(ArchiveErrorKind.Limit, `artifact ${url} is larger than ${max} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (opts.expectedDigest && digestOf(body) !== opts.expectedDigest) {
          return reject(new ArchiveError(ArchiveErrorKind.DigestMismatch, `artifact ${url}: digest mismatch (expected ${opts.expectedDigest}, got ${digestOf(body)})`));
        }
        resolve(body);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new ArchiveError(ArchiveErrorKind.Io, `GET ${url}: timed out`)));
    req.on('error', (e) => reject(e instanceof ArchiveError ? e : new ArchiveError(ArchiveErrorKind.Io, `GET ${url}: ${e.message}`, undefined, { cause: e })));
  });
}

/** Downloads, verifies and unpacks an artifact into `dest`. */
export async function fetchArtifact(url: string, dest: string, opts: DownloadOptions & UnpackOptions = {}): Promise<UnpackResult> {
  const body = await downloadArtifact(url, opts);
  return unpackBuffer(body, dest, opts);
}
