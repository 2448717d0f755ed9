/**
 * Flux's post-build substitution (fluxcd/pkg `kustomize/kustomize_varsub.go`), applied per object
 * after the build: each object is printed as YAML, its `${...}` expressions are replaced
 * ({@link envsubst}), and the text is parsed back — so `replicas: ${n}` becomes a number when `n`
 * is `"3"`, as in Flux.
 *
 * - Objects with the label or annotation `kustomize.toolkit.fluxcd.io/substitute: disabled` (any case)
 *   are left untouched.
 * - Strategy `WithVariables` (default): nothing happens when no variable is given; `Always`
 *   substitutes regardless (defaults still apply).
 * - Strict mode (Flux 2.9 default): a variable without value and without default fails, naming the
 *   object and the variable.
 * - Variable names must match `^[_a-zA-Z][_a-zA-Z0-9]*$`.
 */
import { parse, stringify } from 'yaml';
import type { JsonObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { EnvsubstError, envsubst, varNamePattern } from './envsubst.js';

/** The opt-out key (label or annotation). */
export const substituteKey = 'kustomize.toolkit.fluxcd.io/substitute';

/** A substitution failure, naming the object (`Kind/namespace/name`) and the variable when known. */
export class SubstitutionError extends Error {
  override readonly name = 'SubstitutionError';
  constructor(
    message: string,
    readonly subject: string,
    readonly variable: string | undefined,
  ) {
    super(subject ? `${subject}: ${message}` : message);
  }
}

/** Options of {@link substituteObjects}. */
export interface SubstituteOptions {
  /** The variables (after merging substituteFrom and substitute). */
  vars: Record<string, string>;
  /** Default true (Flux 2.9). */
  strict?: boolean;
  /** Default `WithVariables`. */
  strategy?: 'WithVariables' | 'Always';
}

/** `Kind/namespace/name` (or `Kind/name`) of an object, for messages. */
export function subjectOf(obj: JsonObject): string {
  const meta = isJsonObject(obj.metadata) ? obj.metadata : {};
  const ns = typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : '';
  return `${String(obj.kind ?? '')}/${ns}${String(meta.name ?? '')}`;
}

/** Whether the object opted out with `kustomize.toolkit.fluxcd.io/substitute: disabled`. */
export function isSubstituteDisabled(obj: JsonObject): boolean {
  const meta = isJsonObject(obj.metadata) ? obj.metadata : {};
  for (const f of ['annotations', 'labels'] as const) {
    const m = meta[f];
    const v = isJsonObject(m) ? m[substituteKey] : undefined;
    if (typeof v === 'string' && v.toLowerCase() === 'disabled') return true;
  }
  return false;
}

/** Throws when a variable name is invalid (Flux's message). */
export function checkVarNames(vars: Record<string, string>): void {
  for (const name of Object.keys(vars)) {
    if (!varNamePattern.test(name)) throw new SubstitutionError(`'${name}' var name is invalid, must match '${varNamePattern.source}'`, '', name);
  }
}

/** Substitutes one object; returns it unchanged (same reference) when it has no `${`. */
export function substituteObject(obj: JsonObject, opts: SubstituteOptions): JsonObject {
  if (isSubstituteDisabled(obj)) return obj;
  const text = stringify(obj, { lineWidth: 0 });
  if (!text.includes('${')) return obj;
  let out: string;
  try {
    out = envsubst(text, opts.vars, { strict: opts.strict ?? true });
  } catch (err) {
    if (err instanceof EnvsubstError) throw new SubstitutionError(err.message, subjectOf(obj), err.variable || undefined);
    throw err;
  }
  if (out === text) return obj;
  let parsed: unknown;
  try {
    parsed = parse(out, { maxAliasCount: 100 });
  } catch (err) {
    throw new SubstitutionError(`the substituted YAML is invalid: ${(err as Error).message}`, subjectOf(obj), undefined);
  }
  if (!isJsonObject(parsed)) throw new SubstitutionError('the substituted YAML is not an object', subjectOf(obj), undefined);
  return parsed;
}

/** Substitutes every object (see the module comment); the input array is not modified. */
export function substituteObjects(objects: readonly JsonObject[], opts: SubstituteOptions): JsonObject[] {
  checkVarNames(opts.vars);
  if ((opts.strategy ?? 'WithVariables') === 'WithVariables' && Object.keys(opts.vars).length === 0) return objects.slice();
  return objects.map((o) => substituteObject(o, opts));
}

/** Where a variable set comes from, in precedence order (later wins). */
export interface VariableSource {
  /** `ConfigMap/name` or `Secret/name`, or `spec.postBuild.substitute`. */
  origin: string;
  data: Record<string, string>;
}

/** Merges variable sources: later sources win, as Flux (substituteFrom in order, then substitute). */
export function mergeVariables(sources: readonly VariableSource[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sources) Object.assign(out, s.data);
  return out;
}
