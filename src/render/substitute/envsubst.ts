/**
 * The variable syntax of Flux's post-build substitution (fluxcd/pkg `envsubst`, a fork of
 * drone/envsubst), over text:
 *
 * | form | value |
 * |---|---|
 * | `${var}` | the value; unset → error in strict mode, else `''` |
 * | `${var:=d}` `${var:-d}` | `d` when unset or empty |
 * | `${var=d}` `${var-d}` | `d` when unset |
 * | `${#var}` | length |
 * | `${var:pos}` `${var:pos:len}` | substring (negative `pos` counts from the end) |
 * | `${var#p}` `${var##p}` `${var%p}` `${var%%p}` | remove a prefix/suffix (`*` matches any run) |
 * | `${var/p/r}` `${var//p/r}` `${var/#p/r}` `${var/%p/r}` | replace first/all/prefix/suffix |
 * | `${var^}` `${var^^}` `${var,}` `${var,,}` | upper/lower case first/all |
 * | `$${var}` | the literal text `${var}` (escape) |
 *
 * `$var` without braces and `${...}` whose content is not a variable name are left as they are.
 * Defaults may themselves contain `${...}`.
 */

/** Flux's rule for variable names. */
export const varNamePattern = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** A variable used without a value in strict mode, or a malformed expression. */
export class EnvsubstError extends Error {
  override readonly name = 'EnvsubstError';
  constructor(
    message: string,
    /** The variable concerned. */
    readonly variable: string,
  ) {
    super(message);
  }
}

/** Options of {@link envsubst}. */
export interface EnvsubstOptions {
  /** A variable without value and without default is an error (Flux 2.9's default). Default true. */
  strict?: boolean;
  /** Deepest nesting of `${...}` in defaults (default 16). */
  maxDepth?: number;
}

/** Index of the `}` closing the `${` whose content starts at `from`, or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}' && --depth === 0) {
      return i;
    }
  }
  return -1;
}

function globToRegExp(pattern: string, greedy: boolean): string {
  return pattern
    .split('*')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join(greedy ? '.*' : '.*?');
}

function trimAffix(value: string, op: string, pattern: string): string {
  const greedy = op.length === 2;
  const re = op[0] === '#' ? new RegExp('^' + globToRegExp(pattern, greedy), 's') : new RegExp(globToRegExp(pattern, greedy) + '$', 's');
  if (op[0] === '%' && !greedy) {
    // Shortest suffix: try from the end.
    for (let i = value.length; i >= 0; i--) if (new RegExp('^' + globToRegExp(pattern, true) + '$', 's').test(value.slice(i))) return value.slice(0, i);
    return value;
  }
  return value.replace(re, '');
}

function replaceIn(value: string, rest: string): string {
  let mode = 'first';
  let body = rest;
  if (body.startsWith('/')) [mode, body] = ['all', body.slice(1)];
  else if (body.startsWith('#')) [mode, body] = ['prefix', body.slice(1)];
  else if (body.startsWith('%')) [mode, body] = ['suffix', body.slice(1)];
  const slash = body.indexOf('/');
  const pat = slash >= 0 ? body.slice(0, slash) : body;
  const rep = slash >= 0 ? body.slice(slash + 1) : '';
  if (pat === '') return value;
  if (mode === 'all') return value.split(pat).join(rep);
  if (mode === 'prefix') return value.startsWith(pat) ? rep + value.slice(pat.length) : value;
  if (mode === 'suffix') return value.endsWith(pat) ? value.slice(0, value.length - pat.length) + rep : value;
  return value.replace(pat, () => rep);
}

function substring(value: string, rest: string): string | undefined {
  const m = /^\s*(-?\d+)(?::(\d+))?$/.exec(rest);
  if (!m) return undefined;
  let pos = Number(m[1]);
  if (pos < 0) pos = Math.max(0, value.length + pos);
  return m[2] !== undefined ? value.slice(pos, pos + Number(m[2])) : value.slice(pos);
}

function caseOp(value: string, op: string): string {
  switch (op) {
    case '^':
      return value.charAt(0).toUpperCase() + value.slice(1);
    case '^^':
      return value.toUpperCase();
    case ',':
      return value.charAt(0).toLowerCase() + value.slice(1);
    default:
      return value.toLowerCase();
  }
}

interface Env {
  vars: ReadonlyMap<string, string>;
  strict: boolean;
  maxDepth: number;
}

function missing(name: string, env: Env): string {
  if (env.strict) throw new EnvsubstError(`variable not set (strict mode): "${name}"`, name);
  return '';
}

/** Evaluates the content of one `${...}`; undefined when it is not an expression (left as is). */
function evaluate(content: string, env: Env, depth: number): string | undefined {
  if (content.startsWith('#') && varNamePattern.test(content.slice(1))) {
    const v = env.vars.get(content.slice(1));
    return String((v ?? missing(content.slice(1), env)).length);
  }
  const m = /^([_a-zA-Z][_a-zA-Z0-9]*)(.*)$/s.exec(content);
  if (!m) return undefined;
  const name = m[1] as string;
  const rest = m[2] as string;
  const value = env.vars.get(name);
  if (rest === '') return value ?? missing(name, env);
  const def = /^(:?)([=-])(.*)$/s.exec(rest);
  if (def) {
    const useDefault = value === undefined || (def[1] === ':' && value === '');
    return useDefault ? expand(def[3] as string, env, depth + 1) : value;
  }
  const v = value ?? missing(name, env);
  if (rest.startsWith(':')) return substring(v, rest.slice(1));
  const affix = /^(##|#|%%|%)(.*)$/s.exec(rest);
  if (affix) return trimAffix(v, affix[1] as string, expand(affix[2] as string, env, depth + 1));
  if (rest.startsWith('/')) return replaceIn(v, rest.slice(1));
  if (/^(\^\^|\^|,,|,)$/.test(rest)) return caseOp(v, rest);
  return undefined;
}

function expand(text: string, env: Env, depth: number): string {
  if (depth > env.maxDepth) throw new EnvsubstError(`substitution nested deeper than ${env.maxDepth}`, '');
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('$', i);
    if (at < 0) break;
    out += text.slice(i, at);
    if (text.startsWith('$${', at)) {
      // Escape: `$${x}` is the literal `${x}`.
      const end = closingBrace(text, at + 3);
      const stop = end < 0 ? text.length : end + 1;
      out += text.slice(at + 1, stop);
      i = stop;
      continue;
    }
    if (text[at + 1] !== '{') {
      out += '$';
      i = at + 1;
      continue;
    }
    const end = closingBrace(text, at + 2);
    if (end < 0) {
      out += text.slice(at);
      i = text.length;
      break;
    }
    const v = evaluate(text.slice(at + 2, end), env, depth);
    out += v ?? text.slice(at, end + 1);
    i = end + 1;
  }
  return out + text.slice(i);
}

/** Substitutes the variables in `text` (see the module comment). Throws {@link EnvsubstError}. */
export function envsubst(text: string, vars: ReadonlyMap<string, string> | Record<string, string>, opts: EnvsubstOptions = {}): string {
  const map = vars instanceof Map ? vars : new Map(Object.entries(vars));
  return expand(text, { vars: map, strict: opts.strict ?? true, maxDepth: opts.maxDepth ?? 16 }, 0);
}
