/**
 * Label and field selectors in the API's string syntax, answering 400 on bad syntax. Label selectors are parsed
 * by `src/kube/labels.ts`; field selectors: `path=v`, `path==v`, `path!=v`, comma-separated; paths are dotted
 * (`metadata.name`, `status.phase`).
 */
import { LabelSelectorError, MAX_SELECTOR, parseLabelSelector as parseLabels, splitTop, type LabelMatcher } from '../kube/labels.js';
import { badRequest } from './errors.js';

export type { LabelMatcher } from '../kube/labels.js';

/** Compiles a label selector; an empty or absent one matches everything. Throws 400 on bad syntax. */
export function parseLabelSelector(sel: string | undefined): LabelMatcher | undefined {
  try {
    return parseLabels(sel);
  } catch (err) {
    if (err instanceof LabelSelectorError) throw badRequest(err.message);
    throw err;
  }
}

/**
 * The `key=value` (or `key==value`) terms of a label selector, which every match must carry: the store narrows
 * lists by them through its label index. Other terms (`!=`, `in`, existence…) are left to the full matcher,
 * which still runs; an unusual spelling is simply not used for narrowing.
 */
export function labelEqualities(sel: string | undefined): string[] {
  if (!sel || sel.length > MAX_SELECTOR) return [];
  const out: string[] = [];
  for (const part of splitTop(sel)) {
    const m = /^([A-Za-z0-9][A-Za-z0-9._/-]*)\s*==?\s*([A-Za-z0-9._-]*)$/.exec(part);
    if (m) out.push(`${m[1] ?? ''}=${m[2] ?? ''}`);
  }
  return out;
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
