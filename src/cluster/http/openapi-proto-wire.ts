/**
 * A protobuf wire-format writer for the OpenAPI v2 encoder (`openapi-proto.ts`): proto3 semantics, so the
 * scalar helpers skip zero values (as Go's `proto.Marshal` does) while nested messages are always written, even
 * when empty (an empty but present message is meaningful to gnostic readers, e.g. `properties: {}`).
 *
 * Nested messages are written in place: one byte is reserved for the length and the body is shifted right
 * when its length needs a longer varint, so a multi-megabyte document is built in one growing buffer.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;

/** Bytes a non-negative varint takes. */
function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Appends protobuf fields to a growing buffer; `finish()` returns the bytes. */
export class ProtoWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A non-negative integer up to 2^53 as a varint. */
  private varint(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** A string field; the empty string is the proto3 default and is not written. */
  string(field: number, s: string | undefined): void {
    if (s === undefined || s === '') return;
    const len = Buffer.byteLength(s, 'utf8');
    this.tag(field, WIRE_LEN);
    this.varint(len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
  }

  /** A repeated string field (every element written, empty ones too). */
  strings(field: number, list: readonly string[]): void {
    for (const s of list) {
      const len = Buffer.byteLength(s, 'utf8');
      this.tag(field, WIRE_LEN);
      this.varint(len);
      this.ensure(len);
      this.pos += this.buf.write(s, this.pos, len, 'utf8');
    }
  }

  /** A bool field, written only when true. */
  bool(field: number, b: boolean | undefined): void {
    if (!b) return;
    this.tag(field, WIRE_VARINT);
    this.varint(1);
  }

  /** A bool member of a oneof: written even when false (a set oneof member is always serialised). */
  oneofBool(field: number, b: boolean): void {
    this.tag(field, WIRE_VARINT);
    this.varint(b ? 1 : 0);
  }

  /** An int64 field, written only when non-zero; fractions are truncated, negatives use ten bytes as in Go. */
  int64(field: number, n: number | undefined): void {
    if (n === undefined || !Number.isFinite(n)) return;
    const i = Math.trunc(n);
    if (i === 0) return;
    this.tag(field, WIRE_VARINT);
    if (i > 0) {
      this.varint(i);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(i));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** A double field (fixed64, little-endian), written only when non-zero. */
  double(field: number, n: number | undefined): void {
    if (n === undefined || n === 0 || Number.isNaN(n)) return;
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    this.buf.writeDoubleLE(n, this.pos);
    this.pos += 8;
  }

  /** A nested message field whose body `write` produces; written even when the body is empty. */
  message(field: number, write: () => void): void {
    this.tag(field, WIRE_LEN);
    this.ensure(1);
    const start = this.pos;
    this.pos++;
    write();
    const len = this.pos - start - 1;
    const size = varintSize(len);
    if (size > 1) {
      this.ensure(size - 1);
      this.buf.copyWithin(start + size, start + 1, this.pos);
      this.pos += size - 1;
    }
    let n = len;
    let at = start;
    while (n >= 0x80) {
      this.buf[at++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[at] = n;
  }

  /** The bytes written so far (a copy sized to fit). */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}
