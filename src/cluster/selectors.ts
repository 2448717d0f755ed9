/**
 * Label and field selectors in the API's string syntax. Label selectors: `a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-separated (AND). Field selectors: `path=v`, `path==v`,
 * `path!=v`, comma-separated; paths are dotted (`metadata.name`, `status.phase`).
 */
import { badRequest } from './errors.js';

type LabelReq =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: Set<string> }
  | { op: 'exists' | 'notexists'; key: string };

/** A compiled label selector. */
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

const MAX_SELECTOR = 4096;

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
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

const keyRe = /^([a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

function parseLabelReq(part: string): LabelReq {
  const setM = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (setM) {
    const values = new Set((setM[3] ?? '').split(',').map((v) => v.trim()).filter((v) => v !== ''));
    return { op: setM[2] === 'in' ? 'in' : 'notin', key: checkKey(setM[1] ?? ''), values };
  }
  const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
  if (cmp) {
    return { op: cmp[2] === '!=' ? 'neq' : 'eq', key: checkKey(cmp[1] ?? ''), value: (cmp[3] ?? '').trim() };
  }
  if (part.startsWith('!')) return { op: 'notexists', key: checkKey(part.slice(1).trim()) };
  return { op: 'exists', key: checkKey(part) };
}

function checkKey(k: string): string {
  if (!keyRe.test(k)) throw badRequest(`unable to parse requirement: invalid label key "${k}"`);
  return k;
}

function matchReq(r: LabelReq, labels: Record<string, string> | undefined): boolean {
  const v = labels?.[r.key];
  switch (r.op) {
    case 'eq':
      return v === r.value;
    case 'neq':
      return v !== r.value;
    case 'in':
      return v !== undefined && r.values.has(v);
    case 'notin':
      return v === undefined || !r.values.has(v);
    case 'exists':
      return v !== undefined;
    case 'notexists':
      return v === undefined;
  }
}

/** Compiles a label selector; an empty or absent one matches everything. Throws 400 on bad syntax. */
export function parseLabelSelector(sel: string | undefined): LabelMatcher | undefined {
  if (!sel || sel.trim() === '') return undefined;
  if (sel.length > MAX_SELECTOR) throw badRequest('label selector too long');
  const reqs = splitTop(sel).map(parseLabelReq);
  return (labels) => reqs.every((r) => matchReq(r, labels));
}

/** One field requirement. */
export interface FieldReq {
  path: string;
  op: 'eq' | 'neq';
  value: string;
}

/** Parses a field selector into requirements (empty for none). Throws 400 on bad syntax. */
export function parseFieldSelector(sel: string | undefined): FieldReq[] {
  if (!sel || sel.trim() === '') return [];
  if (sel.length > MAX_SELECTOR) throw badRequest('field selector too long');
  return splitTop(sel).map((part) => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${sel}'; can't understand '${part}'`);
    return { path: m[1] ?? '', op: m[2] === '!=' ? 'neq' : 'eq', value: (m[3] ?? '').trim() };
  });
}

/** The string value of a dotted path in an object, as field selectors compare it ('' when absent). */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return '';
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

/** True when `obj` satisfies every field requirement. */
export function matchFields(reqs: readonly FieldReq[], obj: unknown): boolean {
  return reqs.every((r) => (fieldValue(obj, r.path) === r.value) === (r.op === 'eq'));
}
