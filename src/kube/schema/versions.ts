/**
 * Kubernetes API version ordering ("version priority"): GA before beta before alpha, higher numbers first
 * within each (v2 > v1 > v1beta2 > v1beta1 > v1alpha1), anything not shaped like a Kubernetes version
 * last in lexical order. Discovery's preferred version is the first served version in this order.
 */

const VERSION_RE = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

interface ParsedVersion {
  rank: number;
  major: number;
  minor: number;
}

function parse(v: string): ParsedVersion | undefined {
  const m = VERSION_RE.exec(v);
  if (!m) return undefined;
  const rank = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
  return { rank, major: Number(m[1]), minor: Number(m[3] ?? 0) };
}

/** Sort comparator: negative when `a` has the higher priority. */
export function compareVersionPriority(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) return pb.rank - pa.rank || pb.major - pa.major || pb.minor - pa.minor;
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
