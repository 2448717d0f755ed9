/**
 * Scalar resolution as kyaml (go-yaml v3) does it when kustomize decodes manifests, and the checks go-yaml's
 * encoder makes to decide whether a string can be written plain. This is YAML 1.2's core schema with Go
 * extras: legacy `0755` octals, `0b`/`0o`/`0x` prefixes, `_` digit separators, and timestamps. `on`, `yes`,
 * `y` are strings when read (1.2), but are still quoted when written (1.1 readers would take them as bools).
 */

/** The result of resolving a plain scalar. Integers are bigint so 64-bit values stay exact. */
export type Resolved =
  | { tag: 'null' }
  | { tag: 'bool'; value: boolean }
  | { tag: 'int'; value: bigint }
  | { tag: 'float'; value: number }
  | { tag: 'timestamp'; value: string }
  | { tag: 'str' };

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const BOOLS: ReadonlyMap<string, boolean> = new Map([
  ['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false],
]);
const SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map([
  ['.inf', Infinity], ['.Inf', Infinity], ['.INF', Infinity],
  ['+.inf', Infinity], ['+.Inf', Infinity], ['+.INF', Infinity],
  ['-.inf', -Infinity], ['-.Inf', -Infinity], ['-.INF', -Infinity],
  ['.nan', NaN], ['.NaN', NaN], ['.NAN', NaN],
]);
const OLD_BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** True for YAML 1.1 booleans that 1.2 reads as strings (`on`, `yes`, `n`…): writers quote them. */
export function isOldBool(s: string): boolean {
  return OLD_BOOLS.has(s);
}

/** True for YAML 1.1 sexagesimal numbers (`1:20`, `190:20:30`): writers quote them. */
export function isBase60Float(s: string): boolean {
  return s !== '' && BASE60_FLOAT.test(s);
}

const DIGITS: Readonly<Record<number, RegExp>> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };

/** Go's `strconv.ParseInt(s, base, 64)`-style digits (no sign, no separators) → bigint, or undefined. */
function digitsToBigInt(digits: string, base: 2 | 8 | 10 | 16): bigint | undefined {
  if (!DIGITS[base]?.test(digits)) return undefined;
  const prefix = base === 2 ? '0b' : base === 8 ? '0o' : base === 16 ? '0x' : '';
  return BigInt(prefix + digits);
}

/** Go's `ParseInt(s, 0, 64)` / `ParseUint(s, 0, 64)` syntax (sign, 0x/0o/0b/0 prefixes); range not checked. */
function parseGoIntBase0(s: string): bigint | undefined {
  let body = s;
  let neg = false;
  if (body.startsWith('+') || body.startsWith('-')) {
    neg = body.startsWith('-');
    body = body.slice(1);
  }
  let v: bigint | undefined;
  const p = body.slice(0, 2).toLowerCase();
  if (p === '0x') v = digitsToBigInt(body.slice(2), 16);
  else if (p === '0o') v = digitsToBigInt(body.slice(2), 8);
  else if (p === '0b') v = digitsToBigInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith('0')) v = digitsToBigInt(body.slice(1), 8);
  else v = digitsToBigInt(body, 10);
  if (v === undefined) return undefined;
  return neg ? -v : v;
}

/** What Go's ParseInt (negative) or ParseUint (positive) accept: int64 minimum to uint64 maximum. */
function inIntRange(v: bigint): boolean {
  return v >= INT64_MIN && v <= UINT64_MAX;
}

function resolveNumber(s: string): Resolved {
  const plain = s.split('_').join('');
  const i = parseGoIntBase0(plain);
  if (i !== undefined && inIntRange(i)) return { tag: 'int', value: i };
  if (YAML_FLOAT.test(plain)) {
    const f = Number(plain);
    // -0 becomes 0: kustomize's JSON round trip prints it as an integer 0.
    if (Number.isFinite(f)) return { tag: 'float', value: f === 0 ? 0 : f };
  }
  return { tag: 'str' };
}

/**
 * Resolves a plain (unquoted, untagged) scalar. Numbers that do not fit 64 bits or overflow a float stay
 * strings, as in Go.
 */
export function resolvePlain(s: string): Resolved {
  if (NULLS.has(s)) return { tag: 'null' };
  const b = BOOLS.get(s);
  if (b !== undefined) return { tag: 'bool', value: b };
  const sf = SPECIAL_FLOATS.get(s);
  if (sf !== undefined) return { tag: 'float', value: sf };
  const c = s.charCodeAt(0);
  const isDigit = c >= 0x30 && c <= 0x39;
  if (isDigit || s[0] === '+' || s[0] === '-') {
    const ts = parseTimestamp(s);
    if (ts !== undefined) return { tag: 'timestamp', value: ts };
    return resolveNumber(s);
  }
  if (s[0] === '.') {
    // go-yaml parses these with ParseFloat directly (no separators).
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s)) {
      const f = Number(s);
      if (Number.isFinite(f)) return { tag: 'float', value: f };
    }
  }
  return { tag: 'str' };
}

const TS_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const TS_FULL = /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})$/;
const TS_SPACE = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Parses the timestamp forms go-yaml accepts (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00` with `T` or `t`,
 * `2006-1-2 15:4:5.999999999`) and returns it as Go's JSON encoding of the time (RFC 3339 with nanoseconds,
 * trailing zeros dropped, `Z` for UTC) — what kustomize and kubectl turn unquoted timestamps into. Returns
 * undefined when it is not a valid timestamp (then it is a string).
 */
export function parseTimestamp(s: string): string | undefined {
  if (!/^\d{4}-/.test(s)) return undefined;
  const m = TS_FULL.exec(s) ?? TS_SPACE.exec(s) ?? TS_DATE.exec(s);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const frac = (m[7] ?? '').slice(0, 9).replace(/0+$/, '');
  const zone = m[8];
  let offset = 'Z';
  if (zone !== undefined && zone !== 'Z') {
    const [hh, mm] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (hh > 23 || mm > 59) return undefined;
    // Go reads a zero offset as UTC (the oracles run with TZ=UTC) and writes it as Z.
    if (hh !== 0 || mm !== 0) offset = zone;
  }
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${frac ? '.' + frac : ''}${offset}`;
}
