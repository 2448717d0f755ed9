/**
 * A YAML emitter for JSON values that writes what kustomize writes (go-yaml v2's emitter, a port of
 * libyaml): block style, 2-space indentation, sequences not indented under their key, `{}`/`[]` for empty
 * collections, and go-yaml's scalar styles — plain when the string reads back as the same string, double
 * quotes when it would read as another type (`"1"`, `"on"`, `"2001-12-14"`) or holds non-printable
 * characters, single quotes when only YAML indicators prevent plain, literal blocks for multi-line strings.
 * Long plain and quoted scalars are folded at the first space past column 80, as libyaml does.
 */
import type { JsonValue } from '../object.js';
import { formatNumber } from './numbers.js';
import { isBase60Float, isOldBool, resolvePlain } from './resolve.js';

/** Options of {@link emitYaml}. */
export interface EmitOptions {
  /** Sort map keys the way go-yaml does (kustomize output); false keeps the given order. Default false. */
  sortKeys?: boolean;
  /** Column past which long scalars are folded at the next space (libyaml's best width). Default 80. */
  lineWidth?: number;
  /**
   * Integral numbers in the int64/uint64 range are written with all their digits (`1063984039813012352`),
   * as kustomize prints integers read from YAML; default false: Go's JSON float digits
   * (`1063984039813012400`), as for values that went through a float64. Equal below 2^53.
   */
  exactIntegers?: boolean;
}

const SIMPLE_KEY_MAX = 128;

function isBreak(cp: number): boolean {
  return cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}

/** libyaml's is_printable (with unicode output on): what may appear unescaped. */
function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

function isBlankZ(cp: number | undefined): boolean {
  return cp === undefined || cp === 0x20 || cp === 0x09 || isBreak(cp) || cp === 0;
}

/** What libyaml's scalar analysis allows for a string. */
interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

const FIRST_INDICATORS = new Set([...'#,[]{}&*!|>\'"%@`']);
const FLOW_INDICATORS = new Set([...',?[]{}']);

/** Which indicator characters make plain style impossible in flow and in block context. */
interface Indicators {
  flow: boolean;
  block: boolean;
}

function markIndicators(ind: Indicators, ch: string, at: { first: boolean; precededByWs: boolean; followedByWs: boolean }): void {
  if (at.first) {
    if (FIRST_INDICATORS.has(ch)) ind.flow = ind.block = true;
    if (ch === '?' || ch === ':') {
      ind.flow = true;
      if (at.followedByWs) ind.block = true;
    }
    if (ch === '-' && at.followedByWs) ind.flow = ind.block = true;
    return;
  }
  if (FLOW_INDICATORS.has(ch)) ind.flow = true;
  if (ch === ':') {
    ind.flow = true;
    if (at.followedByWs) ind.block = true;
  }
  if (ch === '#' && at.precededByWs) ind.flow = ind.block = true;
}

/** Spaces and line breaks at the edges and next to each other. */
class Whitespace {
  leadingSpace = false;
  leadingBreak = false;
  trailingSpace = false;
  trailingBreak = false;
  breakSpace = false;
  spaceBreak = false;
  lineBreaks = false;
  private prevSpace = false;
  private prevBreak = false;

  see(cp: number, first: boolean, last: boolean): void {
    if (cp === 0x20) {
      if (first) this.leadingSpace = true;
      if (last) this.trailingSpace = true;
      if (this.prevBreak) this.breakSpace = true;
      this.prevSpace = true;
      this.prevBreak = false;
    } else if (isBreak(cp)) {
      this.lineBreaks = true;
      if (first) this.leadingBreak = true;
      if (last) this.trailingBreak = true;
      if (this.prevSpace) this.spaceBreak = true;
      this.prevBreak = true;
      this.prevSpace = false;
    } else {
      this.prevSpace = this.prevBreak = false;
    }
  }
}

/** libyaml's yaml_emitter_analyze_scalar, restated. */
function analyze(cps: readonly number[]): Analysis {
  if (cps.length === 0) return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  const ind: Indicators = { flow: false, block: false };
  const head = String.fromCodePoint(...cps.slice(0, 3));
  if (head === '---' || head === '...') ind.flow = ind.block = true;
  const ws = new Whitespace();
  let special = false;
  let precededByWs = true;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i] as number;
    const first = i === 0;
    markIndicators(ind, String.fromCodePoint(cp), { first, precededByWs, followedByWs: isBlankZ(cps[i + 1]) });
    if (!isPrintable(cp)) special = true;
    ws.see(cp, first, i === cps.length - 1);
    precededByWs = isBlankZ(cp);
  }
  const a: Analysis = { multiline: ws.lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, block: true };
  if (ws.leadingSpace || ws.leadingBreak || ws.trailingSpace || ws.trailingBreak) a.flowPlain = a.blockPlain = false;
  if (ws.trailingSpace) a.block = false;
  if (ws.breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (ws.spaceBreak || special) a.flowPlain = a.blockPlain = a.singleQuoted = a.block = false;
  if (ws.lineBreaks) a.flowPlain = a.blockPlain = false;
  if (ind.flow) a.flowPlain = false;
  if (ind.block) a.blockPlain = false;
  return a;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/** go-yaml's requested style for a string, then libyaml's fallbacks. */
function chooseStyle(s: string, cps: readonly number[], simpleKey: boolean): Style {
  const a = analyze(cps);
  let style: Style;
  if (s.includes('\n')) style = 'literal';
  else if (resolvePlain(s).tag === 'str' && !isBase60Float(s) && !isOldBool(s)) style = 'plain';
  else style = 'double';
  if (style === 'plain' && (!a.blockPlain || (cps.length === 0 && simpleKey))) style = 'single';
  if (style === 'single' && !a.singleQuoted) style = 'double';
  if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
  return style;
}

const ESCAPES: Readonly<Record<number, string>> = {
  0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
  0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
};

function hex(cp: number, width: number): string {
  return cp.toString(16).toUpperCase().padStart(width, '0');
}

function escapeCodePoint(cp: number): string {
  const e = ESCAPES[cp];
  if (e !== undefined) return '\\' + e;
  if (cp <= 0xff) return '\\x' + hex(cp, 2);
  if (cp <= 0xffff) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

/** Number of code points (a surrogate pair counts once), without allocating. */
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = s.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) n--;
    }
  }
  return n;
}

/** Accumulates output and tracks the column as libyaml does (in characters). */
class Writer {
  private readonly parts: string[] = [];
  column = 0;

  constructor(readonly width: number) {}

  write(s: string): void {
    this.parts.push(s);
    this.column += codePointLength(s);
  }

  newline(): void {
    this.parts.push('\n');
    this.column = 0;
  }

  /** Ends the current line (if any) and indents the next. */
  indent(n: number): void {
    if (this.column > 0) this.newline();
    this.write(' '.repeat(n));
  }

  text(): string {
    return this.parts.join('');
  }
}

interface ScalarContext {
  /** Indentation of continuation lines (folds, literal block content). */
  indent: number;
  simpleKey: boolean;
  /** {@link EmitOptions.exactIntegers}. */
  exactIntegers?: boolean;
}

function writePlain(w: Writer, cps: readonly number[], ctx: ScalarContext): void {
  let spaces = false;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i] as number;
    if (cp === 0x20) {
      if (!ctx.simpleKey && !spaces && w.column > w.width && cps[i + 1] !== 0x20) {
        w.newline();
        w.write(' '.repeat(ctx.indent));
      } else {
        w.write(' ');
      }
      spaces = true;
    } else {
      w.write(String.fromCodePoint(cp));
      spaces = false;
    }
  }
}

/** libyaml's write_break: `\n` ends the line; other breaks (U+2028, U+2029) are copied and count as one. */
function writeBreak(w: Writer, cp: number): void {
  if (cp === 0x0a) {
    w.newline();
  } else {
    w.write(String.fromCodePoint(cp));
    w.column = 0;
  }
}

function writeSingle(w: Writer, cps: readonly number[], ctx: ScalarContext): void {
  w.write("'");
  let spaces = false;
  let breaks = false;
  const last = cps.length - 1;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i] as number;
    if (cp === 0x20) {
      if (!ctx.simpleKey && !spaces && w.column > w.width && i !== 0 && i !== last && cps[i + 1] !== 0x20) {
        w.newline();
        w.write(' '.repeat(ctx.indent));
      } else {
        w.write(' ');
      }
      spaces = true;
    } else if (isBreak(cp)) {
      // Only U+2028/U+2029 get here: strings with \n are never single-quoted by go-yaml.
      if (!breaks && cp === 0x0a) w.newline();
      writeBreak(w, cp);
      breaks = true;
    } else {
      if (breaks) w.write(' '.repeat(ctx.indent));
      w.write(cp === 0x27 ? "''" : String.fromCodePoint(cp));
      spaces = false;
      breaks = false;
    }
  }
  w.write("'");
}

function writeDouble(w: Writer, cps: readonly number[], ctx: ScalarContext): void {
  w.write('"');
  let spaces = false;
  const last = cps.length - 1;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i] as number;
    if (!isPrintable(cp) || cp === 0xfeff || isBreak(cp) || cp === 0x22 || cp === 0x5c) {
      w.write(escapeCodePoint(cp));
      spaces = false;
    } else if (cp === 0x20) {
      if (!ctx.simpleKey && !spaces && w.column > w.width && i !== 0 && i !== last) {
        w.newline();
        w.write(' '.repeat(ctx.indent));
        if (cps[i + 1] === 0x20) w.write('\\');
      } else {
        w.write(' ');
      }
      spaces = true;
    } else {
      w.write(String.fromCodePoint(cp));
      spaces = false;
    }
  }
  w.write('"');
}

function writeLiteral(w: Writer, cps: readonly number[], ctx: ScalarContext): void {
  let hints = '';
  const first = cps[0] as number;
  if (first === 0x20 || isBreak(first)) hints += '2';
  const lastCp = cps[cps.length - 1] as number;
  if (!isBreak(lastCp)) hints += '-';
  else if (cps.length === 1 || isBreak(cps[cps.length - 2] as number)) hints += '+';
  w.write('|' + hints);
  w.newline();
  let breaks = true;
  for (const cp of cps) {
    if (isBreak(cp)) {
      writeBreak(w, cp);
      breaks = true;
    } else {
      if (breaks) w.write(' '.repeat(ctx.indent));
      w.write(String.fromCodePoint(cp));
      breaks = false;
    }
  }
}

/**
 * Strings that are plain as they stand when they read back as strings: a letter or digit first, then only
 * letters, digits, `.`, `_`, `/`, `-` (no indicator, space or break, so nothing to fold or quote).
 */
const SIMPLE_PLAIN = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** Writes a string scalar in the style go-yaml would choose. */
function writeString(w: Writer, s: string, ctx: ScalarContext): void {
  // Fast path for the common case; same result as the analysis below.
  if (SIMPLE_PLAIN.test(s) && resolvePlain(s).tag === 'str' && !isBase60Float(s) && !isOldBool(s)) {
    w.write(s);
    return;
  }
  const cps = [...s].map((c) => c.codePointAt(0) as number);
  const style = chooseStyle(s, cps, ctx.simpleKey);
  if (style === 'plain') writePlain(w, cps, ctx);
  else if (style === 'single') writeSingle(w, cps, ctx);
  else if (style === 'double') writeDouble(w, cps, ctx);
  else writeLiteral(w, cps, ctx);
}

const INT64_MIN = -(2 ** 63);
const UINT64_MAX = 2 ** 64; // the first double above uint64's maximum

/** Integral numbers in the int64/uint64 range with all their digits; others as {@link formatNumber}. */
function formatExactInteger(v: number): string {
  if (Number.isSafeInteger(v)) return Object.is(v, -0) ? '0' : String(v);
  if (Number.isInteger(v) && v >= INT64_MIN && v < UINT64_MAX) return BigInt(v).toString();
  return formatNumber(v);
}

function writeScalar(w: Writer, v: JsonValue | undefined, ctx: ScalarContext): void {
  if (v === null || v === undefined) w.write('null'); // undefined in a list: null, as JSON.stringify writes it
  else if (typeof v === 'boolean') w.write(v ? 'true' : 'false');
  else if (typeof v === 'number') w.write(ctx.exactIntegers === true ? formatExactInteger(v) : formatNumber(v));
  else if (typeof v === 'string') writeString(w, v, ctx);
  else if (Array.isArray(v)) w.write('[]');
  else w.write('{}');
}

function isNonEmptyMap(v: JsonValue | undefined): v is { [k: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).some((x) => x !== undefined);
}

function isNonEmptyList(v: JsonValue | undefined): v is JsonValue[] {
  return Array.isArray(v) && v.length > 0;
}

function isCollection(v: JsonValue | undefined): boolean {
  return isNonEmptyMap(v) || isNonEmptyList(v);
}

/**
 * go-yaml's map key order: numbers in keys compare by value (`a9` < `a10`), letters by code point,
 * non-letters before letters.
 */
export function compareYamlKeys(a: string, b: string): number {
  if (isAsciiNoDigits(a) && isAsciiNoDigits(b)) return compareAsciiNoDigits(a, b);
  const ar = [...a];
  const br = [...b];
  const isLetter = (c: string): boolean => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined): boolean => c !== undefined && /\p{Nd}/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] as string;
    const bc = br[i] as string;
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return (ac.codePointAt(0) as number) - (bc.codePointAt(0) as number);
    // sigs.k8s.io/yaml's go-yaml v2 puts the non-letter first even after a digit run (`1:20` < `1e3`,
    // `a1_` < `a1b`; checked against kubectl kustomize), unlike newer go-yaml.
    if (al || bl) return bl ? -1 : 1;
    // Compare the digit runs starting here as numbers (a zero run after non-zero digits counts as non-zero).
    let an = 0n;
    let bn = 0n;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(Number(ar[ai]));
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(Number(br[bi]));
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai - bi;
    return (ac.codePointAt(0) as number) - (bc.codePointAt(0) as number);
  }
  return ar.length - br.length;
}

/** ASCII without digits. */
function isAsciiNoDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f || (c >= 0x30 && c <= 0x39)) return false;
  }
  return true;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** {@link compareYamlKeys} for ASCII keys without digits: no digit runs to compare as numbers. */
function compareAsciiNoDigits(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ac = a.charCodeAt(i);
    const bc = b.charCodeAt(i);
    if (ac === bc) continue;
    const al = isAsciiLetter(ac);
    const bl = isAsciiLetter(bc);
    if (al !== bl) return bl ? -1 : 1;
    return ac - bc;
  }
  return a.length - b.length;
}

class Emitter {
  readonly w: Writer;

  constructor(private readonly opts: Required<EmitOptions>) {
    this.w = new Writer(opts.lineWidth);
  }

  /** Keys to write: those with a value (an `undefined` property is left out, as JSON.stringify does). */
  private keys(obj: { [k: string]: JsonValue }): string[] {
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    return this.opts.sortKeys ? keys.sort(compareYamlKeys) : keys;
  }

  /** A value after `key:` (or `- `, `? `): collections start on the next line. */
  value(v: JsonValue, indent: number, inSeq: boolean): void {
    const w = this.w;
    if (isNonEmptyMap(v)) {
      if (inSeq) {
        w.write(' ');
        this.map(v, indent + 2, true);
      } else {
        this.map(v, indent + 2, false);
      }
    } else if (isNonEmptyList(v)) {
      if (inSeq) {
        w.write(' ');
        this.seq(v, indent + 2, true);
      } else {
        this.seq(v, indent, false);
      }
    } else {
      w.write(' ');
      writeScalar(w, v, { indent: indent + 2, simpleKey: false, exactIntegers: this.opts.exactIntegers });
    }
  }

  map(obj: { [k: string]: JsonValue }, indent: number, positioned: boolean): void {
    let first = positioned;
    for (const key of this.keys(obj)) {
      const v = obj[key] as JsonValue;
      if (!first) this.w.indent(indent);
      first = false;
      if (isSimpleKey(key)) {
        writeString(this.w, key, { indent, simpleKey: true });
        this.w.write(':');
        this.value(v, indent, false);
      } else {
        // libyaml's complex key: `? key` then `: value` on its own line.
        this.w.write('?');
        this.w.write(' ');
        writeString(this.w, key, { indent: indent + 2, simpleKey: false });
        this.w.indent(indent);
        this.w.write(':');
        this.value(v, indent, isCollection(v));
      }
    }
  }

  seq(list: JsonValue[], indent: number, positioned: boolean): void {
    let first = positioned;
    for (const v of list) {
      if (!first) this.w.indent(indent);
      first = false;
      this.w.write('-');
      this.value(v, indent, true);
    }
  }

  document(v: JsonValue): string {
    if (isNonEmptyMap(v)) this.map(v, 0, true);
    else if (isNonEmptyList(v)) this.seq(v, 0, true);
    else writeScalar(this.w, v, { indent: 2, simpleKey: false, exactIntegers: this.opts.exactIntegers });
    if (this.w.column > 0) this.w.newline();
    return this.w.text();
  }
}

const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;

/** libyaml writes a key inline only when it is short (≤ 128 bytes) and on one line. */
function isSimpleKey(key: string): boolean {
  // At most 3 UTF-8 bytes per UTF-16 unit: up to 42 units always fits 128 bytes.
  if (key.length <= 42) return !LINE_BREAK.test(key);
  if (Buffer.byteLength(key, 'utf8') > SIMPLE_KEY_MAX) return false;
  const cps = [...key].map((c) => c.codePointAt(0) as number);
  return !analyze(cps).multiline;
}

/** Writes one YAML document (no `---`), ending with a newline. */
export function emitYaml(value: JsonValue, opts: EmitOptions = {}): string {
  return new Emitter({ sortKeys: opts.sortKeys ?? false, lineWidth: opts.lineWidth ?? 80, exactIntegers: opts.exactIntegers ?? false }).document(value);
}
