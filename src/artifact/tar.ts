/**
 * Minimal POSIX tar (ustar + pax extended headers) encoding and decoding of headers. Only regular
 * files, directories and symlinks are modelled; everything is written with fixed owner, mtime and
 * modes by the archive writer.
 */

/** A tar entry type Lockstep writes or accepts. */
export type TarEntryType = 'file' | 'dir' | 'symlink';

/** Header fields of one entry. */
export interface TarHeader {
  name: string;
  type: TarEntryType;
  size: number;
  mode: number;
  mtime: number;
  linkname?: string;
}

const BLOCK = 512;

function writeString(buf: Buffer, s: string, off: number, len: number): void {
  buf.write(s, off, Math.min(Buffer.byteLength(s), len), 'utf8');
}

function writeOctal(buf: Buffer, n: number, off: number, len: number): void {
  const s = Math.floor(n).toString(8).padStart(len - 1, '0');
  buf.write(s + '\0', off, len, 'ascii');
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body);
  let total = len + String(len).length;
  if (String(total).length !== String(len).length) total = len + String(total).length;
  len = total;
  return `${len}${body}`;
}

function rawHeader(h: { name: string; typeflag: string; size: number; mode: number; mtime: number; linkname?: string }): Buffer {
  const buf = Buffer.alloc(BLOCK, 0);
  writeString(buf, h.name, 0, 100);
  writeOctal(buf, h.mode, 100, 8);
  writeOctal(buf, 0, 108, 8);
  writeOctal(buf, 0, 116, 8);
  writeOctal(buf, h.size, 124, 12);
  writeOctal(buf, h.mtime, 136, 12);
  buf.fill(' ', 148, 156);
  buf.write(h.typeflag, 156, 1, 'ascii');
  if (h.linkname) writeString(buf, h.linkname, 157, 100);
  buf.write('ustar\u000000', 257, 8, 'binary');
  let sum = 0;
  for (const b of buf) sum += b;
  buf.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return buf;
}

/** Zero bytes needed after `size` bytes of data to reach a block boundary. */
export function padding(size: number): Buffer {
  const r = size % BLOCK;
  return Buffer.alloc(r === 0 ? 0 : BLOCK - r, 0);
}

/** The two zero blocks that end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(BLOCK * 2, 0);
}

/** Encodes a header (preceded by a pax header when the name or link target does not fit ustar). */
export function encodeHeader(h: TarHeader): Buffer {
  const typeflag = h.type === 'file' ? '0' : h.type === 'dir' ? '5' : '2';
  const name = h.type === 'dir' && !h.name.endsWith('/') ? h.name + '/' : h.name;
  const long = Buffer.byteLength(name) > 100 || Buffer.byteLength(h.linkname ?? '') > 100 || /[^\x20-\x7e]/.test(name + (h.linkname ?? ''));
  const main = rawHeader({ name: long ? name.slice(0, 99) : name, typeflag, size: h.type === 'file' ? h.size : 0, mode: h.mode, mtime: h.mtime, linkname: h.linkname });
  if (!long) return main;
  let pax = paxRecord('path', name);
  if (h.linkname) pax += paxRecord('linkpath', h.linkname);
  const data = Buffer.from(pax, 'utf8');
  const paxHeader = rawHeader({ name: 'PaxHeader', typeflag: 'x', size: data.length, mode: 0o644, mtime: h.mtime });
  return Buffer.concat([paxHeader, data, padding(data.length), main]);
}

/** A decoded raw header block. */
export interface RawHeader {
  name: string;
  typeflag: string;
  size: number;
  mode: number;
  linkname: string;
}

function readString(buf: Buffer, off: number, len: number): string {
  const end = buf.indexOf(0, off);
  return buf.toString('utf8', off, end < 0 || end > off + len ? off + len : end);
}

function readOctal(buf: Buffer, off: number, len: number): number {
  if ((buf[off] ?? 0) & 0x80) throw new Error('base-256 numbers are not supported');
  const s = readString(buf, off, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new Error(`bad octal field ${JSON.stringify(s)}`);
  return parseInt(s, 8);
}

/** Decodes a header block; undefined for an all-zero block (end of archive). Throws on a bad checksum. */
export function decodeHeader(block: Buffer): RawHeader | undefined {
  if (block.every((b) => b === 0)) return undefined;
  const stored = readOctal(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
  if (sum !== stored) throw new Error('tar header checksum mismatch');
  let name = readString(block, 0, 100);
  const magic = block.toString('binary', 257, 262);
  if (magic === 'ustar') {
    const prefix = readString(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return {
    name,
    typeflag: String.fromCharCode(block[156] ?? 0),
    size: readOctal(block, 124, 12),
    mode: readOctal(block, 100, 8),
    linkname: readString(block, 157, 100),
  };
}

/** Parses pax extended header records into a map. */
export function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let off = 0;
  while (off < data.length) {
    const sp = data.indexOf(0x20, off);
    if (sp < 0) break;
    const len = parseInt(data.toString('ascii', off, sp), 10);
    if (!Number.isFinite(len) || len <= 0 || off + len > data.length) throw new Error('bad pax record');
    const rec = data.toString('utf8', sp + 1, off + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    off += len;
  }
  return out;
}
