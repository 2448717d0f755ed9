/**
 * Label selectors in the API's string syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
 * comma-separated (AND). One parser for the whole project: the local cluster (list/watch/deletecollection),
 * the SSA resource manager (ignore rules) and anything else that matches labels.
 */

/** A label selector that does not parse; the message says why (the API server's wording). */
export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
}

type LabelReq =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: Set<string> }
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
  if (!keyRe.test(k)) throw new LabelSelectorError(`unable to parse requirement: invalid label key "${k}"`);
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

/** Compiles a label selector; an empty or absent one matches everything. Throws LabelSelectorError on bad syntax. */
export function parseLabelSelector(sel: string | undefined): LabelMatcher | undefined {
  if (!sel || sel.trim() === '') return undefined;
  if (sel.length > MAX_SELECTOR) throw new LabelSelectorError('label selector too long');
  const reqs = splitTop(sel).map(parseLabelReq);
  return (labels) => reqs.every((r) => matchReq(r, labels));
}
