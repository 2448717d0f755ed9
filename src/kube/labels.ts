/**
 * Label selectors in the API's string syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
 * `a>1`, `a<1`, comma-separated (AND). One parser for the whole project: the local cluster
 * (list/watch/deletecollection), the SSA resource manager (ignore rules) and the kustomize engine (patch,
 * replacement and ignore targets, label and annotation selectors alike).
 *
 * The grammar and the checks are those of the API server (apimachinery's `labels.Parse`, which kustomize uses
 * too): whitespace separates tokens, `in`/`notin` are keywords only where an operator is expected, keys must be
 * qualified names (`prefix/name`, lowercase DNS prefix), values valid label values (at most 63 characters,
 * alphanumeric ends), `>`/`<` take a decimal int64 and match only labels that hold one. Error messages follow
 * the server's wording closely but are not byte-identical.
 */

/** A label selector that does not parse or fails validation; the message says why. */
export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
}

type LabelReq =
  | { op: 'eq' | 'neq' | 'in' | 'notin'; key: string; values: ReadonlySet<string> }
  | { op: 'gt' | 'lt'; key: string; value: bigint }
  | { op: 'exists' | 'notexists'; key: string };

/** A compiled label selector. */
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/** The longest selector accepted, label or field. */
export const MAX_SELECTOR = 4096;

/** Splits a selector on commas that are not inside parentheses; trims and drops empty parts. */
export function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p !== '');
}

type TokKind = 'id' | 'in' | 'notin' | '!' | '!=' | '=' | '==' | '>' | '<' | '(' | ')' | ',' | 'end';
interface Tok {
  kind: TokKind;
  text: string;
}

const specials = new Set(['=', '!', '(', ')', ',', '>', '<']);
const spaces = new Set([' ', '\t', '\r', '\n']);
const END: Tok = { kind: 'end', text: '' };

/** Splits a selector into tokens: symbols (longest first: `!=`, `==`), words, keywords `in`/`notin`. */
function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s.charAt(i);
    if (spaces.has(ch)) {
      i++;
    } else if (specials.has(ch)) {
      const two = s.slice(i, i + 2);
      const sym = two === '!=' || two === '==' ? two : ch;
      out.push({ kind: sym as TokKind, text: sym });
      i += sym.length;
    } else {
      let j = i;
      while (j < s.length && !spaces.has(s.charAt(j)) && !specials.has(s.charAt(j))) j++;
      const word = s.slice(i, j);
      out.push({ kind: word === 'in' || word === 'notin' ? word : 'id', text: word });
      i = j;
    }
  }
  return out;
}

/** A cursor over the tokens. Where a value is expected (`values`), the keywords are plain words. */
class Cursor {
  private i = 0;
  constructor(private readonly toks: readonly Tok[]) {}

  peek(values: boolean): Tok {
    const t = this.toks[this.i] ?? END;
    return values && (t.kind === 'in' || t.kind === 'notin') ? { kind: 'id', text: t.text } : t;
  }

  next(values: boolean): Tok {
    const t = this.peek(values);
    if (this.i < this.toks.length) this.i++;
    return t;
  }
}

const nameRe = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dnsSubdomainRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const valueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NAME_CHARS = "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** Why `key` is not a qualified name (`[prefix/]name`), or undefined when it is one. */
function keyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `a qualified name must consist of ${NAME_CHARS}`;
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '') return 'prefix part must be non-empty';
    if (prefix.length > 253 || !dnsSubdomainRe.test(prefix)) {
      return "prefix part must be a DNS-1123 subdomain: lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character";
    }
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!nameRe.test(name)) return `name part must consist of ${NAME_CHARS}`;
  return undefined;
}

function checkKey(key: string): string {
  const why = keyProblem(key);
  if (why !== undefined) throw new LabelSelectorError(`unable to parse requirement: invalid label key "${key}": ${why}`);
  return key;
}

function checkValue(key: string, value: string): void {
  if (value.length > 63) {
    throw new LabelSelectorError(`unable to parse requirement: invalid label value: "${value}": at key: "${key}": must be no more than 63 characters`);
  }
  if (!valueRe.test(value)) {
    throw new LabelSelectorError(
      `unable to parse requirement: invalid label value: "${value}": at key: "${key}": a valid label must be an empty string or consist of ${NAME_CHARS}`,
    );
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A decimal int64 as Go's strconv.ParseInt(s, 10, 64) reads it, or undefined. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

function requirementError(message: string): LabelSelectorError {
  return new LabelSelectorError(`unable to parse requirement: ${message}`);
}

/** `(a, b)`: a value list; empty positions (`()`, `(a,)`, `(,a)`, `(a,,b)`) stand for the empty value, as in the server. */
function parseValueList(c: Cursor): Set<string> {
  const open = c.next(true);
  if (open.kind !== '(') throw requirementError(`found '${open.text}' expected: '('`);
  const values = new Set<string>();
  const first = c.peek(true);
  if (first.kind === ')') {
    c.next(true);
    return values.add('');
  }
  if (first.kind !== 'id' && first.kind !== ',') throw requirementError(`found '${first.text}', expected: ',', ')' or identifier`);
  for (let done = false; !done; ) {
    const t = c.next(true);
    if (t.kind === 'id') {
      values.add(t.text);
      const after = c.peek(true);
      if (after.kind === ')') done = true;
      else if (after.kind !== ',') throw requirementError(`found '${after.text}', expected: ',' or ')'`);
    } else if (t.kind === ',') {
      if (values.size === 0) values.add('');
      const after = c.peek(true);
      if (after.kind === ')') {
        values.add('');
        done = true;
      } else if (after.kind === ',') {
        c.next(true);
        values.add('');
      }
    } else {
      throw requirementError(`found '${t.text}', expected: ',', or identifier`);
    }
  }
  c.next(true); // the ')' seen above
  return values;
}

/** The single value after `=`, `==`, `!=`, `>`, `<`; nothing before `,` or the end is the empty value. */
function parseExactValue(c: Cursor): string {
  const t = c.peek(true);
  if (t.kind === 'end' || t.kind === ',') return '';
  c.next(true);
  if (t.kind !== 'id') throw requirementError(`found '${t.text}', expected: identifier`);
  return t.text;
}

const operators: Partial<Record<TokKind, 'eq' | 'neq' | 'in' | 'notin' | 'gt' | 'lt'>> = {
  '=': 'eq',
  '==': 'eq',
  '!=': 'neq',
  in: 'in',
  notin: 'notin',
  '>': 'gt',
  '<': 'lt',
};

function parseRequirement(c: Cursor): LabelReq {
  let t = c.next(true);
  const negated = t.kind === '!';
  if (negated) t = c.next(true);
  if (t.kind !== 'id') throw requirementError(`found '${t.text}', expected: identifier`);
  const key = checkKey(t.text);
  const after = c.peek(true);
  // `!key` is complete whatever follows; the caller rejects anything but `,` or the end.
  if (negated) return { op: 'notexists', key };
  if (after.kind === 'end' || after.kind === ',') return { op: 'exists', key };
  const opTok = c.next(false);
  const op = operators[opTok.kind];
  if (op === undefined) throw requirementError(`found '${opTok.text}', expected: '=', '!=', '==', 'in', notin'`);
  if (op === 'in' || op === 'notin') {
    const values = parseValueList(c);
    for (const v of values) checkValue(key, v);
    return { op, key, values };
  }
  const value = parseExactValue(c);
  if (op === 'gt' || op === 'lt') {
    const n = parseInt64(value);
    if (n === undefined) throw requirementError("for 'Gt', 'Lt' operators, the value must be an integer");
    checkValue(key, value);
    return { op, key, value: n };
  }
  checkValue(key, value);
  return { op, key, values: new Set([value]) };
}

function parseRequirements(sel: string): LabelReq[] {
  const c = new Cursor(tokenize(sel));
  const reqs: LabelReq[] = [];
  for (;;) {
    const first = c.peek(true);
    if (first.kind === 'end') return reqs;
    if (first.kind !== 'id' && first.kind !== '!') throw new LabelSelectorError(`found '${first.text}', expected: !, identifier, or 'end of string'`);
    reqs.push(parseRequirement(c));
    const sep = c.next(true);
    if (sep.kind === 'end') return reqs;
    if (sep.kind !== ',') throw new LabelSelectorError(`found '${sep.text}', expected: ',' or 'end of string'`);
    const next = c.peek(true);
    if (next.kind !== 'id' && next.kind !== '!') throw new LabelSelectorError(`found '${next.text}', expected: identifier after ','`);
  }
}

function matchReq(r: LabelReq, labels: Record<string, string> | undefined): boolean {
  const v = labels !== undefined && Object.hasOwn(labels, r.key) ? labels[r.key] : undefined;
  switch (r.op) {
    case 'eq':
    case 'in':
      return v !== undefined && r.values.has(v);
    case 'neq':
    case 'notin':
      return v === undefined || !r.values.has(v);
    case 'exists':
      return v !== undefined;
    case 'notexists':
      return v === undefined;
    case 'gt':
    case 'lt': {
      const n = v === undefined ? undefined : parseInt64(v);
      if (n === undefined) return false;
      return r.op === 'gt' ? n > r.value : n < r.value;
    }
  }
}

/**
 * Compiles a label selector; an empty or blank one gives undefined (it matches everything). Throws
 * LabelSelectorError on bad syntax, an invalid key or value, a non-integer after `>`/`<`, or a selector longer
 * than MAX_SELECTOR.
 */
export function parseLabelSelector(sel: string | undefined): LabelMatcher | undefined {
  if (!sel || sel.trim() === '') return undefined;
  if (sel.length > MAX_SELECTOR) throw new LabelSelectorError('label selector too long');
  const reqs = parseRequirements(sel);
  return (labels) => reqs.every((r) => matchReq(r, labels));
}
