/**
 * A small interpreter for the subset of CEL that CRD `x-kubernetes-validations` rules commonly use (Flux's
 * CRDs among them): `self` field access, `has()`, `size()`, `!`, `&&`, `||`, comparisons, `in`, arithmetic,
 * ternaries, list literals and the string methods startsWith/endsWith/contains/matches.
 * Anything outside the subset — or a runtime error such as reading an absent field — makes {@link evalRule}
 * return `undefined` ("cannot decide"), and the caller then does not enforce the rule: a missing feature must
 * never reject a valid object. Transition rules (`oldSelf`) are not evaluated.
 */
import { isJsonObject, type JsonValue } from '../../../kube/object.js';

type Tok = { k: 'num'; v: number } | { k: 'str'; v: string } | { k: 'id'; v: string } | { k: 'op'; v: string };

class Unsupported extends Error {}

const ops = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '!', '(', ')', '[', ']', '.', ',', '+', '-', '*', '/', '%', '?', ':'];

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') {
          s += src[j + 1] ?? '';
          j += 2;
        } else s += src[j++];
      }
      if (j >= src.length) throw new Unsupported('unterminated string');
      out.push({ k: 'str', v: s });
      i = j + 1;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ k: 'num', v: Number(num[0]) });
      i += num[0].length;
      if (src[i] === 'u') i++;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = ops.find((o) => src.startsWith(o, i));
    if (!op) throw new Unsupported(`unexpected ${c}`);
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  return out;
}

/** The parsed expression tree. */
type Node =
  | { t: 'lit'; v: JsonValue }
  | { t: 'var'; name: string }
  | { t: 'field'; obj: Node; name: string }
  | { t: 'index'; obj: Node; idx: Node }
  | { t: 'call'; fn: string; target?: Node; args: Node[] }
  | { t: 'has'; obj: Node; name: string }
  | { t: 'un'; op: string; x: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'cond'; c: Node; a: Node; b: Node }
  | { t: 'list'; items: Node[] };

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t?.k === 'op' && t.v === v;
  }
  private eat(v: string): void {
    if (!this.isOp(v)) throw new Unsupported(`expected ${v}`);
    this.i++;
  }
  parse(): Node {
    const n = this.cond();
    if (this.i !== this.toks.length) throw new Unsupported('trailing input');
    return n;
  }
  private cond(): Node {
    const c = this.bin(0);
    if (!this.isOp('?')) return c;
    this.i++;
    const a = this.cond();
    this.eat(':');
    return { t: 'cond', c, a, b: this.cond() };
  }
  private static readonly levels = [['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>=', 'in'], ['+', '-'], ['*', '/', '%']];
  private bin(level: number): Node {
    const ops = Parser.levels[level];
    if (!ops) return this.unary();
    let l = this.bin(level + 1);
    for (;;) {
      const t = this.peek();
      const op = t && (t.k === 'op' || (t.k === 'id' && t.v === 'in')) && ops.includes(t.v) ? t.v : undefined;
      if (!op) return l;
      this.i++;
      l = { t: 'bin', op, l, r: this.bin(level + 1) };
    }
  }
  private unary(): Node {
    if (this.isOp('!') || this.isOp('-')) {
      const op = (this.toks[this.i++] as Tok).v as string;
      return { t: 'un', op, x: this.unary() };
    }
    return this.member(this.primary());
  }
  private args(): Node[] {
    this.eat('(');
    const out: Node[] = [];
    while (!this.isOp(')')) {
      out.push(this.cond());
      if (!this.isOp(')')) this.eat(',');
    }
    this.eat(')');
    return out;
  }
  private member(n: Node): Node {
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        const t = this.toks[this.i++];
        if (t?.k !== 'id') throw new Unsupported('field name expected');
        n = this.isOp('(') ? { t: 'call', fn: t.v, target: n, args: this.args() } : { t: 'field', obj: n, name: t.v };
      } else if (this.isOp('[')) {
        this.i++;
        const idx = this.cond();
        this.eat(']');
        n = { t: 'index', obj: n, idx };
      } else return n;
    }
  }
  private primary(): Node {
    const t = this.toks[this.i++];
    if (!t) throw new Unsupported('unexpected end');
    if (t.k === 'num' || t.k === 'str') return { t: 'lit', v: t.v };
    if (t.k === 'op' && t.v === '(') {
      const n = this.cond();
      this.eat(')');
      return n;
    }
    if (t.k === 'op' && t.v === '[') {
      const items: Node[] = [];
      while (!this.isOp(']')) {
        items.push(this.cond());
        if (!this.isOp(']')) this.eat(',');
      }
      this.eat(']');
      return { t: 'list', items };
    }
    if (t.k !== 'id') throw new Unsupported(`unexpected ${t.v}`);
    if (t.v === 'true' || t.v === 'false') return { t: 'lit', v: t.v === 'true' };
    if (t.v === 'null') return { t: 'lit', v: null };
    if (t.v === 'has') {
      const [arg, ...rest] = this.args();
      if (!arg || rest.length > 0 || arg.t !== 'field') throw new Unsupported('has() needs a field selection');
      return { t: 'has', obj: arg.obj, name: arg.name };
    }
    if (this.isOp('(')) return { t: 'call', fn: t.v, args: this.args() };
    return { t: 'var', name: t.v };
  }
}

function same(a: JsonValue, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function compare(op: string, l: JsonValue, r: JsonValue): boolean {
  if (!((typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string'))) throw new Unsupported('incomparable');
  return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
}

function size(v: JsonValue): number {
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isJsonObject(v)) return Object.keys(v).length;
  throw new Unsupported('size of a scalar');
}

function method(fn: string, target: JsonValue, args: JsonValue[]): JsonValue {
  if (fn === 'size' && args.length === 0) return size(target);
  if (typeof target !== 'string' || typeof args[0] !== 'string') throw new Unsupported(fn);
  if (fn === 'startsWith') return target.startsWith(args[0]);
  if (fn === 'endsWith') return target.endsWith(args[0]);
  if (fn === 'contains') return target.includes(args[0]);
  if (fn === 'matches') return new RegExp(args[0]).test(target);
  throw new Unsupported(fn);
}

function arith(op: string, l: JsonValue, r: JsonValue): JsonValue {
  if (op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
  if (op === '+' && Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
  if (typeof l !== 'number' || typeof r !== 'number') throw new Unsupported('arithmetic on non-numbers');
  if ((op === '/' || op === '%') && r === 0) throw new Unsupported('division by zero');
  return op === '+' ? l + r : op === '-' ? l - r : op === '*' ? l * r : op === '/' ? Math.trunc(l / r) : l % r;
}

function binary(n: Extract<Node, { t: 'bin' }>, env: Record<string, JsonValue>): JsonValue {
  if (n.op === '&&' || n.op === '||') {
    // CEL's commutative logic: an error on one side is absorbed when the other side decides
    let l: JsonValue | Unsupported;
    try {
      l = ev(n.l, env);
    } catch (e) {
      l = e instanceof Unsupported ? e : new Unsupported(String(e));
    }
    if (l === (n.op === '||')) return l;
    const r = ev(n.r, env);
    if (r === (n.op === '||')) return r;
    if (l instanceof Unsupported) throw l;
    if (typeof l !== 'boolean' || typeof r !== 'boolean') throw new Unsupported('logic on non-booleans');
    return n.op === '&&';
  }
  const l = ev(n.l, env);
  const r = ev(n.r, env);
  if (n.op === '==') return same(l, r);
  if (n.op === '!=') return !same(l, r);
  if (n.op === 'in') {
    if (Array.isArray(r)) return r.some((x) => same(x, l));
    if (isJsonObject(r) && typeof l === 'string') return Object.prototype.hasOwnProperty.call(r, l);
    throw new Unsupported('in');
  }
  if (['<', '<=', '>', '>='].includes(n.op)) return compare(n.op, l, r);
  return arith(n.op, l, r);
}

function access(n: Extract<Node, { t: 'field' | 'has' | 'index' }>, env: Record<string, JsonValue>): JsonValue {
  const o = ev(n.obj, env);
  if (n.t === 'has') {
    if (!isJsonObject(o)) throw new Unsupported('has() on a non-object');
    return o[n.name] !== undefined && o[n.name] !== null;
  }
  if (n.t === 'field') {
    if (!isJsonObject(o) || o[n.name] === undefined) throw new Unsupported(`no such key: ${n.name}`);
    return o[n.name] as JsonValue;
  }
  const i = ev(n.idx, env);
  const v = Array.isArray(o) && typeof i === 'number' ? o[i] : isJsonObject(o) && typeof i === 'string' ? o[i] : undefined;
  if (v === undefined) throw new Unsupported('index out of range');
  return v;
}

function ev(n: Node, env: Record<string, JsonValue>): JsonValue {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'var': {
      const v = env[n.name];
      if (v === undefined) throw new Unsupported(`unknown variable ${n.name}`);
      return v;
    }
    case 'list':
      return n.items.map((x) => ev(x, env));
    case 'field':
    case 'has':
    case 'index':
      return access(n, env);
    case 'call': {
      const args = n.args.map((a) => ev(a, env));
      if (n.target) return method(n.fn, ev(n.target, env), args);
      if (n.fn === 'size' && args.length === 1) return size(args[0] as JsonValue);
      throw new Unsupported(n.fn);
    }
    case 'un': {
      const x = ev(n.x, env);
      if (n.op === '!' && typeof x === 'boolean') return !x;
      if (n.op === '-' && typeof x === 'number') return -x;
      throw new Unsupported('bad operand');
    }
    case 'bin':
      return binary(n, env);
    case 'cond': {
      const c = ev(n.c, env);
      if (typeof c !== 'boolean') throw new Unsupported('non-boolean condition');
      return c ? ev(n.a, env) : ev(n.b, env);
    }
  }
}

const cache = new Map<string, Node | null>();

function compile(rule: string): Node | undefined {
  const hit = cache.get(rule);
  if (hit !== undefined) return hit ?? undefined;
  let node: Node | null = null;
  try {
    node = new Parser(lex(rule)).parse();
  } catch {
    node = null;
  }
  if (cache.size > 2000) cache.clear();
  cache.set(rule, node);
  return node ?? undefined;
}

/**
 * Evaluates a validation rule against `self`: true (passes), false (fails) or undefined when the rule is
 * outside the supported subset, refers to `oldSelf`, or errors at run time.
 */
export function evalRule(rule: string, self: JsonValue): boolean | undefined {
  if (/\boldSelf\b/.test(rule)) return undefined;
  const node = compile(rule);
  if (!node) return undefined;
  try {
    const v = ev(node, { self });
    return typeof v === 'boolean' ? v : undefined;
  } catch {
    return undefined;
  }
}
