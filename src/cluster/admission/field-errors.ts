/**
 * Field-level validation errors shaped like the API server's (`k8s.io/apimachinery/pkg/util/validation/field`):
 * each has a type (which becomes the Status cause `reason`), a dotted field path (`spec.template.spec.containers[0].image`),
 * an optional bad value and a detail. {@link errorBody} and {@link formatFieldError} render them with the API
 * server's wording so clients that match on messages (and humans used to kubectl) see the familiar text.
 */
import type { JsonValue } from '../../kube/object.js';

/** Cause reasons, as the API server names them in `details.causes[].reason`. */
export const FieldErrorType = {
  notFound: 'FieldValueNotFound',
  required: 'FieldValueRequired',
  duplicate: 'FieldValueDuplicate',
  invalid: 'FieldValueInvalid',
  notSupported: 'FieldValueNotSupported',
  forbidden: 'FieldValueForbidden',
  tooLong: 'FieldValueTooLong',
  tooMany: 'FieldValueTooMany',
  internal: 'InternalError',
  typeInvalid: 'FieldValueTypeInvalid',
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Marker for "no value shown" (e.g. Too many without a count). */
export const omitValue: unique symbol = Symbol('omitValue');

/** A value as shown in a message: JSON values, or a pre-rendered Go-style text (`{ goText }`). */
export type BadValue = JsonValue | undefined | typeof omitValue | { goText: string };

/** One field error. */
export interface FieldError {
  type: FieldErrorType;
  /** Dotted path with `[i]` indexes and `[key]` map keys, as the API server prints it. */
  field: string;
  value?: BadValue;
  detail?: string;
}

/** Builders with the API server's semantics. */
export const fieldErr = {
  required: (field: string, detail = ''): FieldError => ({ type: FieldErrorType.required, field, detail }),
  invalid: (field: string, value: BadValue, detail = ''): FieldError => ({ type: FieldErrorType.invalid, field, value, detail }),
  typeInvalid: (field: string, value: BadValue, detail = ''): FieldError => ({ type: FieldErrorType.typeInvalid, field, value, detail }),
  forbidden: (field: string, detail = ''): FieldError => ({ type: FieldErrorType.forbidden, field, detail }),
  duplicate: (field: string, value: BadValue): FieldError => ({ type: FieldErrorType.duplicate, field, value }),
  notSupported: (field: string, value: BadValue, valid: readonly string[]): FieldError => ({
    type: FieldErrorType.notSupported,
    field,
    value,
    detail: valid.length > 0 ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '',
  }),
  /** "Too long: may not be longer than N" (the wording CRD validation uses). */
  tooLongMaxLength: (field: string, max: number): FieldError => ({
    type: FieldErrorType.tooLong,
    field,
    detail: max >= 0 ? `may not be longer than ${max}` : 'value is too long',
  }),
  /** "Too long: must have at most N bytes" (built-in validation). */
  tooLong: (field: string, max: number): FieldError => ({ type: FieldErrorType.tooLong, field, detail: `must have at most ${max} bytes` }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({
    type: FieldErrorType.tooMany,
    field,
    value: actual >= 0 ? actual : omitValue,
    detail: max >= 0 ? `must have at most ${max} items` : 'has too many items',
  }),
};

/** Renders a value the way Go's `%v`/`%q`/`%#v` would for the common cases. */
export function renderValue(value: BadValue): string {
  if (value === undefined || value === null) return 'null';
  if (value === omitValue) return '';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!Array.isArray(value) && typeof value === 'object' && 'goText' in value && typeof value.goText === 'string') return value.goText;
  return goLiteral(value as JsonValue);
}

/** An approximation of Go's `%#v` for decoded JSON (`map[string]interface {}{"a":1}`, `[]interface {}{...}`). */
export function goLiteral(value: JsonValue): string {
  if (value === null) return 'interface {}(nil)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isInteger(value) ? `${value}` : `${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goLiteral).join(', ')}}`;
  const keys = Object.keys(value).sort();
  return `map[string]interface {}{${keys.map((k) => `${JSON.stringify(k)}:${goLiteral(value[k] as JsonValue)}`).join(', ')}}`;
}

/** The message without the field name, e.g. `Invalid value: "x": field is immutable`. */
export function errorBody(e: FieldError): string {
  let s = typeText[e.type];
  const shows = !(e.type === FieldErrorType.required || e.type === FieldErrorType.forbidden || e.type === FieldErrorType.tooLong || e.type === FieldErrorType.internal || e.value === omitValue);
  if (shows) s += `: ${renderValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** `field: body`, as `field.Error.Error()` prints it. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** De-duplicated aggregate text: one message alone, several as `[a, b]`, as the API server aggregates them. */
export function aggregateMessage(errs: readonly FieldError[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of errs) {
    const m = formatFieldError(e);
    if (seen.has(m)) continue;
    seen.add(m);
    msgs.push(m);
  }
  return msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`;
}

/** `Deployment.apps "x" is invalid: ...` — the message of a 422 Invalid Status. */
export function invalidMessage(opts: { kind: string; group: string; name: string; errors: readonly FieldError[] }): string {
  const qk = opts.group ? `${opts.kind}.${opts.group}` : opts.kind;
  return `${qk} ${JSON.stringify(opts.name)} is invalid: ${aggregateMessage(opts.errors)}`;
}

/** Joins path segments: names with dots, numbers as `[i]`, keys given as `[k]` stay bracketed. */
export function childPath(parent: string, seg: string | number): string {
  if (typeof seg === 'number') return `${parent}[${seg}]`;
  if (seg.startsWith('[')) return `${parent}${seg}`;
  return parent ? `${parent}.${seg}` : seg;
}
