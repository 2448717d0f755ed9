/** Tolerant readers of untyped object fields for the kstatus rules. */
import type { KubeObject } from '../object.js';

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a dotted path, or undefined. */
export function field(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (!isRec(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** An integer field, else `dflt`. */
export function int(obj: unknown, path: string, dflt: number): number {
  const v = field(obj, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

/** A string field, else `''`. */
export function str(obj: unknown, path: string): string {
  const v = field(obj, path);
  return typeof v === 'string' ? v : '';
}

/** A condition of `status.conditions`. */
export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** The condition of this type, if any. */
export function condition(obj: KubeObject, type: string): Condition | undefined {
  const list = field(obj, 'status.conditions');
  if (!Array.isArray(list)) return undefined;
  for (const c of list) {
    if (isRec(c) && c['type'] === type) {
      return { type, status: str(c, 'status'), reason: str(c, 'reason'), message: str(c, 'message') };
    }
  }
  return undefined;
}

/** True when the condition exists with status `True`. */
export function isTrue(obj: KubeObject, type: string): boolean {
  return condition(obj, type)?.status === 'True';
}

/** The array at a path, else []. */
export function arr(obj: unknown, path: string): unknown[] {
  const v = field(obj, path);
  return Array.isArray(v) ? v : [];
}
