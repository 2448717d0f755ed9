/** Reading and decoding request bodies: size limit (413), JSON or YAML by content type (400 on errors). */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { JsonValue } from '../../kube/object.js';
import { ApiError, StatusReason, badRequest } from '../errors.js';
import type { PatchType } from '../plugins.js';
import { decodeKubeProtobuf } from './protobuf.js';

/** The API server's request body limit. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole body, rejecting more than `max` bytes with 413 (the rest is drained, not buffered). */
export function readBody(req: IncomingMessage, max = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > max) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > max) {
        failed = true;
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

function tooLarge(): ApiError {
  return new ApiError(413, StatusReason.requestEntityTooLarge, 'the request body is too large: limit is 3145728 bytes');
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The patch type of a PATCH Content-Type, or 415. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const mt = mediaType(contentType);
  if (mt === 'application/json-patch+json') return 'json';
  if (mt === 'application/merge-patch+json') return 'merge';
  if (mt === 'application/strategic-merge-patch+json') return 'strategic';
  if (mt === 'application/apply-patch+yaml' || mt === 'application/apply-patch+json') return 'apply';
  throw new ApiError(415, StatusReason.unsupportedMediaType, `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
}

/** Index of the first character that is not JSON/YAML white space, or -1. */
function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0xfeff) return i;
  }
  return -1;
}

/** Decodes a body as JSON, or YAML for YAML media types (and apply patches). 400 with the parse error. */
export function decodeBody(buf: Buffer, contentType: string | undefined): JsonValue {
  const mt = mediaType(contentType);
  if (buf.length === 0) throw badRequest('the body of the request was empty');
  if (mt === 'application/vnd.kubernetes.protobuf') return decodeKubeProtobuf(buf);
  const text = buf.toString('utf8');
  const first = firstNonSpace(text);
  if (first === -1) throw badRequest('the body of the request was empty');
  if (mt.includes('protobuf') || mt.includes('cbor')) {
    throw new ApiError(415, StatusReason.unsupportedMediaType, 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
  }
  if (mt.includes('yaml')) {
    if (text.charCodeAt(first) === 0x7b /* { */) {
      // JSON is YAML; kubectl sends apply configurations as JSON, and JSON.parse is far cheaper
      try {
        return JSON.parse(text) as JsonValue;
      } catch {
        // not strict JSON: fall through to the YAML parser
      }
    }
    try {
      return parseYaml(text, { maxAliasCount: 100, version: '1.2' }) as JsonValue;
    } catch (e) {
      throw badRequest(`error decoding YAML: ${e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e)}`);
    }
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw badRequest(`error decoding JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}
