/**
 * A YAML emitter that writes JSON values exactly as kustomize prints them. kustomize turns every resource
 * into JSON and then into YAML through sigs.k8s.io/yaml, i.e. the go-yaml v2 encoder: map keys sorted with
 * go-yaml's "natural" order, sequences not indented under their key, YAML 1.1 look-alikes ("yes", "on",
 * "0777", "1e3") double-quoted, strings needing it single-quoted, multi-line strings as literal blocks,
 * plain and quoted scalars folded at column 80. This file reproduces those rules from their observable
 * behaviour (checked against `kubectl kustomize` v5.5.0 by the differential suite).
 *
 * Caveats: floats are printed as Go's `%g` with shortest precision; keys longer than 128 characters are
 * written as simple keys (go-yaml would switch to `? key`); NaN and infinities are not JSON and are
 * rejected earlier by the parser.
 */
import type { JsonValue } from '../../../kube/object.js';
import { isJsonObject } from '../../../kube/object.js';
import { parseTimestamp } from '../../../kube/yaml/resolve.js';

const BEST_WIDTH = 80;

/** Writes one document (no leading `---`), ending with a newline. */
export function emitDocument(value: JsonValue): string {
  const out = new Writer();
  if (isJsonObject(value) && Object.keys(value).length > 0) {
    writeMap(out, value, 0, false);
  } else if (Array.isArray(value) && value.length > 0) {
    writeSeq(out, value, 0, false);
  } else {
    out.text(scalarOrEmpty(value, out, 0));
  }
  return `${out.finish()}\n`;
}

class Writer {
  private parts: string[] = [];
  column = 0;
  text(s: string): void {
    this.parts.push(s);
    const nl = s.lastIndexOf('\n');
    this.column = nl < 0 ? this.column + charLength(s) : charLength(s.slice(nl + 1));
  }
  newline(indent: number): void {
    this.parts.push('\n' + ' '.repeat(indent));
    this.column = indent;
  }
  finish(): string {
    return this.parts.join('');
  }
}

function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function isEmptyCollection(v: JsonValue): boolean {
  return (Array.isArray(v) && v.length === 0) || (isJsonObject(v) && Object.keys(v).length === 0);
}

function scalarOrEmpty(v: JsonValue, out: Writer, indent: number): string {
  if (Array.isArray(v)) return '[]';
  if (isJsonObject(v)) return '{}';
  return scalarText(v, { column: out.column, indent, simpleKey: false });
}

/** Writes a block mapping whose keys start at `indent`; `inline` when the first key continues a line. */
function writeMap(out: Writer, obj: { [k: string]: JsonValue }, indent: number, inline: boolean): void {
  const keys = Object.keys(obj).sort(compareKeys);
  keys.forEach((key, i) => {
    if (i > 0 || !inline) {
      if (i > 0 || out.column > 0) out.newline(indent);
      else out.text(' '.repeat(indent));
    }
    out.text(scalarText(key, { column: out.column, indent, simpleKey: true }) + ':');
    const value = obj[key] as JsonValue;
    writeValue(out, value, indent, 'map');
  });
}

function writeSeq(out: Writer, arr: JsonValue[], indent: number, inline: boolean): void {
  arr.forEach((item, i) => {
    if (i > 0 || !inline) {
      if (i > 0 || out.column > 0) out.newline(indent);
      else out.text(' '.repeat(indent));
    }
    out.text('-');
    writeValue(out, item, indent, 'seq');
  });
}

function writeValue(out: Writer, value: JsonValue, indent: number, parent: 'map' | 'seq'): void {
  if (isEmptyCollection(value) || !(Array.isArray(value) || isJsonObject(value))) {
    out.text(' ');
    out.text(scalarOrEmpty(value, out, indent));
    return;
  }
  if (Array.isArray(value)) {
    if (parent === 'map') {
      out.newline(indent);
      writeSeq(out, value, indent, true);
    } else {
      out.text(' ');
      writeSeq(out, value, indent + 2, true);
    }
    return;
  }
  if (parent === 'map') {
    out.newline(indent + 2);
    writeMap(out, value, indent + 2, true);
  } else {
    out.text(' ');
    writeMap(out, value, indent + 2, true);
  }
}

// ---------------------------------------------------------------------------------------------------
// Scalars

interface ScalarContext {
  /** Column where the scalar starts (after "key: " or "- "). */
  column: number;
  /** Indentation of the collection holding the scalar; continuation lines go 2 further. */
  indent: number;
  /** Map keys: no folding, no block scalars. */
  simpleKey: boolean;
}

/** Text of a scalar as go-yaml v2 writes it at this position. */
export function scalarText(v: JsonValue, ctx: ScalarContext): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v !== 'string') throw new Error('scalarText: not a scalar');
  return stringText(v, ctx);
}

/**
 * Number formatting after kustomize's JSON round trip: integral values within int64/uint64 print as
 * digits; anything else is a float printed as Go's `strconv.FormatFloat(f, 'g', -1, 64)`.
 */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && n >= -9223372036854775808 && n <= 1.8446744073709552e19) {
    return Object.is(n, -0) ? '0' : BigInt(n).toString();
  }
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-])(\d+)$/.exec(n.toExponential());
  if (!m) return String(n);
  const [, sign, d0, rest = '', esign, edigits] = m;
  const e = Number(edigits) * (esign === '-' ? -1 : 1);
  if (e < -4 || e >= 21 || e >= 6) {
    const ee = Math.abs(e).toString().padStart(2, '0');
    return `${sign}${d0}${rest ? '.' + rest : ''}e${e < 0 ? '-' : '+'}${ee}`;
  }
  const digits = d0 + rest;
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const intPart = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${intPart}${frac ? '.' + frac : ''}`;
}

const RESOLVE_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Go's strconv.ParseInt/ParseUint with base 0 (after underscores are removed) accepting this text. */
function goParsesAsInt(s: string): boolean {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return false;
  const body = m[2] ?? '';
  let big: bigint;
  if (/^0[oO]/.test(body)) big = BigInt('0o' + body.slice(2));
  else if (/^0[0-7]+$/.test(body)) big = BigInt('0o' + body.slice(1));
  else big = BigInt(body);
  if (m[1] === '-') return big <= 2n ** 63n;
  return big <= 2n ** 64n - 1n;
}

/** True when go-yaml v2 would read this plain text as something other than a string. */
export function resolvesNonString(s: string): boolean {
  if (RESOLVE_MAP.has(s)) return true;
  const c = s.charAt(0);
  if (c === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9'))) return false;
  // Only valid timestamps resolve as such (`2001-13-14` is a plain string to go-yaml).
  if (c >= '0' && c <= '9' && parseTimestamp(s) !== undefined) return true;
  const plain = s.replace(/_/g, '');
  if (goParsesAsInt(plain)) return true;
  if (YAML_FLOAT.test(plain)) return true;
  if (/^-?0b[01]+$/.test(plain)) return true;
  return false;
}

/** YAML "printable" as go-yaml v2 defines it (code points). */
function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}
function isBreak(cp: number | undefined): boolean {
  return cp === 0x0d || cp === 0x0a || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}
function isBlankz(cp: number | undefined): boolean {
  return cp === undefined || cp === 0x20 || cp === 0x09 || isBreak(cp) || cp === 0;
}

/** True when this character makes a plain scalar impossible in block context. */
function isBlockIndicator(c: string, first: boolean, ws: { followed: boolean; preceded: boolean }): boolean {
  if (first) {
    if ('#,[]{}&*!|>\'"%@`'.includes(c)) return true;
    return (c === '?' || c === ':' || c === '-') && ws.followed;
  }
  return (c === ':' && ws.followed) || (c === '#' && ws.preceded);
}

interface Analysis {
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
  multiline: boolean;
}

function analyze(cps: number[]): Analysis {
  if (cps.length === 0) return { blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false, multiline: false };
  const s3 = String.fromCodePoint(...cps.slice(0, 3));
  let blockIndicators = s3 === '---' || s3 === '...';
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i] as number;
    const c = String.fromCodePoint(ch);
    if (isBlockIndicator(c, i === 0, { followed: isBlankz(cps[i + 1]), preceded: precededByWhitespace })) blockIndicators = true;
    special ||= !isPrintable(ch);
    lineBreaks ||= isBreak(ch);
    if (ch === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankz(ch);
  }
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
  }
  if (spaceBreak || special) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
    blockAllowed = false;
  }
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { blockPlainAllowed, singleQuotedAllowed, blockAllowed, multiline: lineBreaks };
}

const SIMPLE_PLAIN = /^[A-Za-z][A-Za-z0-9_./-]{0,40}$/;

function stringText(s: string, ctx: ScalarContext): string {
  // Fast path: short identifiers starting with a letter are plain unless YAML 1.1 reads them as bool/null.
  if (SIMPLE_PLAIN.test(s) && !RESOLVE_MAP.has(s)) return s;
  const cps = Array.from(s, (c) => c.codePointAt(0) as number);
  let style: 'plain' | 'single' | 'double' | 'literal';
  if (s.includes('\n')) style = 'literal';
  else if (resolvesNonString(s) || BASE60_FLOAT.test(s)) style = 'double';
  else style = 'plain';
  const a = analyze(cps);
  if (style === 'plain' && (!a.blockPlainAllowed || (cps.length === 0 && ctx.simpleKey))) style = 'single';
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || ctx.simpleKey)) style = 'double';
  switch (style) {
    case 'plain':
      return writePlain(cps, ctx);
    case 'single':
      return writeSingle(cps, ctx);
    case 'double':
      return writeDouble(cps, ctx);
    case 'literal':
      return writeLiteral(cps, ctx);
  }
}

/** Accumulates scalar text while tracking the column, for folding. */
class ScalarOut {
  s = '';
  constructor(public column: number, private readonly contIndent: number) {}
  put(t: string): void {
    this.s += t;
    this.column += charLength(t);
  }
  indentBreak(): void {
    this.s += '\n' + ' '.repeat(this.contIndent);
    this.column = this.contIndent;
  }
}

function writePlain(cps: number[], ctx: ScalarContext): string {
  const o = new ScalarOut(ctx.column, ctx.indent + 2);
  let spaces = false;
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i] as number;
    if (ch === 0x20) {
      if (!ctx.simpleKey && !spaces && o.column > BEST_WIDTH && cps[i + 1] !== 0x20) o.indentBreak();
      else o.put(' ');
      spaces = true;
    } else {
      o.put(String.fromCodePoint(ch));
      spaces = false;
    }
  }
  return o.s;
}

function writeSingle(cps: number[], ctx: ScalarContext): string {
  const o = new ScalarOut(ctx.column, ctx.indent + 2);
  o.put("'");
  let spaces = false;
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i] as number;
    if (ch === 0x20) {
      if (!ctx.simpleKey && !spaces && o.column > BEST_WIDTH && i !== 0 && i !== cps.length - 1 && cps[i + 1] !== 0x20) {
        o.indentBreak();
      } else o.put(' ');
      spaces = true;
    } else {
      if (ch === 0x27) o.put("'");
      o.put(String.fromCodePoint(ch));
      spaces = false;
    }
  }
  o.put("'");
  return o.s;
}

const ESCAPES: Record<number, string> = {
  0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
  0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
};

function writeDouble(cps: number[], ctx: ScalarContext): string {
  const o = new ScalarOut(ctx.column, ctx.indent + 2);
  o.put('"');
  let spaces = false;
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i] as number;
    if (!isPrintable(ch) || ch === 0xfeff || isBreak(ch) || ch === 0x22 || ch === 0x5c) {
      const e = ESCAPES[ch];
      if (e !== undefined) o.put('\\' + e);
      else if (ch <= 0xff) o.put('\\x' + ch.toString(16).toUpperCase().padStart(2, '0'));
      else if (ch <= 0xffff) o.put('\\u' + ch.toString(16).toUpperCase().padStart(4, '0'));
      else o.put('\\U' + ch.toString(16).toUpperCase().padStart(8, '0'));
      spaces = false;
    } else if (ch === 0x20) {
      if (!ctx.simpleKey && !spaces && o.column > BEST_WIDTH && i !== 0 && i !== cps.length - 1) {
        o.indentBreak();
        if (cps[i + 1] === 0x20) o.put('\\');
      } else o.put(' ');
      spaces = true;
    } else {
      o.put(String.fromCodePoint(ch));
      spaces = false;
    }
  }
  o.put('"');
  return o.s;
}

function writeLiteral(cps: number[], ctx: ScalarContext): string {
  let header = '|';
  const first = cps[0];
  if (first === 0x20 || isBreak(first)) header += '2';
  const last = cps[cps.length - 1];
  if (!isBreak(last)) header += '-';
  else if (cps.length === 1 || isBreak(cps[cps.length - 2])) header += '+';
  const indent = ' '.repeat(ctx.indent + 2);
  let s = header + '\n';
  let breaks = true;
  for (const ch of cps) {
    if (isBreak(ch)) {
      s += '\n';
      breaks = true;
    } else {
      if (breaks) s += indent;
      s += String.fromCodePoint(ch);
      breaks = false;
    }
  }
  // The final line break of the value is the line end the caller writes next.
  if (s.endsWith('\n')) s = s.slice(0, -1);
  return s;
}

// ---------------------------------------------------------------------------------------------------
// Key order

function isLetter(c: string): boolean {
  return /\p{L}/u.test(c);
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** go-yaml v2's map key order: letters after other characters, digit runs compared as numbers. */
const LETTERS = /^[A-Za-z]+$/;

export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  // Letters only: go-yaml's order is plain code-point order.
  if (LETTERS.test(a) && LETTERS.test(b)) return a < b ? -1 : 1;
  return keyLess(a, b) ? -1 : 1;
}

function keyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] as string;
    const bc = br[i] as string;
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return (ac.codePointAt(0) as number) < (bc.codePointAt(0) as number);
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(Number(ar[ai]));
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(Number(br[bi]));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return (ac.codePointAt(0) as number) < (bc.codePointAt(0) as number);
  }
  return ar.length < br.length;
}
