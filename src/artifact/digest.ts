/** sha256 digests in Flux's `<algorithm>:<hex>` form. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** `sha256:<hex>` of a buffer. */
export function digestOf(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** `sha256:<hex>` of a file, streamed. */
export async function digestFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

/** Parses `<algo>:<hex>`; only sha256 is supported. Returns the hex, or undefined when malformed. */
export function parseDigest(digest: string): string | undefined {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  return m?.[1];
}
