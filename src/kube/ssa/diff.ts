/**
 * Human diffs of objects for `lockstep diff`: YAML of live vs desired as a unified diff, with Secret
 * values masked as Flux does (`******`; a changed value shows as `****** (before)` / `****** (after)`).
 */
import { stringify } from 'yaml';
import type { JsonValue, KubeObject } from '../object.js';
import { isJsonObject } from '../object.js';
import { lastAppliedAnnotation } from './cleanup.js';

export const secretMask = '******';

function isSecret(o: KubeObject | undefined): boolean {
  return o !== undefined && o.kind === 'Secret' && (o.apiVersion === 'v1');
}

function maskMap(m: unknown, other: unknown, side: 'before' | 'after'): JsonValue | undefined {
  if (!isJsonObject(m)) return undefined;
  const o = isJsonObject(other) ? other : {};
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(m)) out[k] = o[k] === undefined || o[k] === m[k] || other === undefined ? secretMask : `${secretMask} (${side})`;
  return out;
}

/**
 * Copies of `before` and `after` with Secret `data`/`stringData` values (and kubectl's last-applied
 * annotation, which repeats them) masked. Non-Secrets are returned as they are. Either side may be absent.
 */
export function maskSecrets(before: KubeObject | undefined, after: KubeObject | undefined): [KubeObject | undefined, KubeObject | undefined] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const mask = (o: KubeObject | undefined, other: KubeObject | undefined, side: 'before' | 'after'): KubeObject | undefined => {
    if (!o) return o;
    const c = structuredClone(o);
    for (const key of ['data', 'stringData']) {
      const masked = maskMap(c[key], other?.[key], side);
      if (masked !== undefined) c[key] = masked;
    }
    if (c.metadata.annotations?.[lastAppliedAnnotation] !== undefined) c.metadata.annotations[lastAppliedAnnotation] = secretMask;
    return c;
  };
  return [mask(before, after, 'before'), mask(after, before, 'after')];
}

/** YAML with sorted keys (stable diffs); `''` for an absent object. */
export function toYaml(o: KubeObject | undefined): string {
  return o === undefined ? '' : stringify(o, { sortMapEntries: true, lineWidth: 0 });
}

type Op = { t: ' ' | '-' | '+'; line: string };

/** Cells above which the LCS table is not built and the diff degrades to remove-all/add-all. */
const MAX_CELLS = 4_000_000;

function lineOps(a: string[], b: string[]): Op[] {
  if (a.length * b.length > MAX_CELLS) return [...a.map((line) => ({ t: '-' as const, line })), ...b.map((line) => ({ t: '+' as const, line }))];
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ t: ' ', line: a[i] as string });
      i++;
      j++;
    } else if (i < n && (j >= m || (lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0))) {
      ops.push({ t: '-', line: a[i] as string });
      i++;
    } else {
      ops.push({ t: '+', line: b[j] as string });
      j++;
    }
  }
  return ops;
}

function splitLines(s: string): string[] {
  if (s === '') return [];
  const lines = s.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * A unified diff (`--- <labelA>` / `+++ <labelB>`, `@@ -a,b +c,d @@` hunks with `context` lines) of two
 * texts; `''` when they are equal.
 */
export function unifiedDiff(a: string, b: string, opts: { labelA?: string; labelB?: string; context?: number } = {}): string {
  if (a === b) return '';
  const ops = lineOps(splitLines(a), splitLines(b));
  const ctx = opts.context ?? 3;
  const out: string[] = [`--- ${opts.labelA ?? 'live'}`, `+++ ${opts.labelB ?? 'merged'}`];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k]?.t === ' ') k++;
    if (k >= ops.length) break;
    const start = Math.max(0, k - ctx);
    let end = k;
    // extend the hunk while the next change is within 2*ctx unchanged lines
    for (let q = k; q < ops.length; q++) {
      if (ops[q]?.t !== ' ') end = q;
      else if (q - end > 2 * ctx) break;
    }
    const stop = Math.min(ops.length, end + ctx + 1);
    let aLine = 1;
    let bLine = 1;
    for (let q = 0; q < start; q++) {
      if (ops[q]?.t !== '+') aLine++;
      if (ops[q]?.t !== '-') bLine++;
    }
    const hunk = ops.slice(start, stop);
    const aCount = hunk.filter((o) => o.t !== '+').length;
    const bCount = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${aCount === 0 ? aLine - 1 : aLine},${aCount} +${bCount === 0 ? bLine - 1 : bLine},${bCount} @@`);
    for (const o of hunk) out.push(`${o.t}${o.line}`);
    k = stop;
  }
  return `${out.join('\n')}\n`;
}

/**
 * `message` with every value of a Secret's `data` (base64 and decoded) and `stringData` replaced by
 * {@link secretMask}, for error texts that might echo them. Values shorter than 4 characters are left
 * (masking them would garble unrelated words). Non-Secrets: the message unchanged.
 */
export function scrubSecretValues(message: string, obj: KubeObject | undefined): string {
  if (!isSecret(obj) || !obj) return message;
  const values: string[] = [];
  for (const key of ['data', 'stringData']) {
    const m = obj[key];
    if (!isJsonObject(m)) continue;
    for (const v of Object.values(m)) {
      if (typeof v !== 'string') continue;
      values.push(v);
      if (key === 'data') values.push(Buffer.from(v, 'base64').toString('utf8'));
      else values.push(Buffer.from(v, 'utf8').toString('base64'));
    }
  }
  let out = message;
  for (const v of values.filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(v).join(secretMask);
  return out;
}
