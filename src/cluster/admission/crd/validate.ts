/**
 * Validation of custom resources against a CRD's structural `openAPIV3Schema`, with the field errors the API
 * server reports (kube-openapi's messages converted to field errors):
 * `spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`.
 * Covered: type (with nullable and int-or-string), required, enum, minimum/maximum (and exclusive),
 * multipleOf, minLength/maxLength, pattern, formats (date-time, date, uuid, ipv4, ipv6, byte, email, hostname),
 * minItems/maxItems, uniqueItems, list-type set/map uniqueness, min/maxProperties, embedded resources,
 * allOf/anyOf/oneOf/not (value checks only), and `x-kubernetes-validations` rules within the CEL subset of
 * `cel.ts` (rules outside it, and transition rules, are not enforced).
 */
import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from '../../../kube/object.js';
import { fieldErr, goLiteral, type FieldError } from '../field-errors.js';
import { evalRule } from './cel.js';
import { embedded, fieldSchema, itemsSchema, join, jsonTypeOf, maxDepth } from './schema-walk.js';

interface Ctx {
  errs: FieldError[];
  depth: number;
}

const formats: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  uuid: /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/,
  ipv4: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  ipv6: /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  hostname: /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/,
};

function typeOk(v: JsonValue, s: JsonObject): boolean {
  const t = s.type;
  if (s['x-kubernetes-int-or-string'] === true) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  if (typeof t !== 'string' || t === '') return true;
  const actual = jsonTypeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function wantType(s: JsonObject): string {
  return s['x-kubernetes-int-or-string'] === true ? 'integer,string' : String(s.type);
}

function checkNumber(v: number, s: JsonObject, path: string, ctx: Ctx): void {
  const body = `${path} in body`;
  if (typeof s.maximum === 'number') {
    if (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum) {
      ctx.errs.push(fieldErr.invalid(path, v, `${body} should be less than ${s.exclusiveMaximum === true ? '' : 'or equal to '}${s.maximum}`));
    }
  }
  if (typeof s.minimum === 'number') {
    if (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum) {
      ctx.errs.push(fieldErr.invalid(path, v, `${body} should be greater than ${s.exclusiveMinimum === true ? '' : 'or equal to '}${s.minimum}`));
    }
  }
  if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) {
    ctx.errs.push(fieldErr.invalid(path, v, `${body} should be a multiple of ${s.multipleOf}`));
  }
}

const regexCache = new Map<string, RegExp | null>();

/** Compiles a schema pattern (unicode mode, else legacy mode; uncompilable patterns are not enforced). Cached. */
function safeRegExp(pattern: string): RegExp | undefined {
  const hit = regexCache.get(pattern);
  if (hit !== undefined) return hit ?? undefined;
  let re: RegExp | null = null;
  for (const flags of ['u', '']) {
    try {
      re = new RegExp(pattern, flags);
      break;
    } catch {
      // try the next mode
    }
  }
  if (regexCache.size > 1000) regexCache.clear();
  regexCache.set(pattern, re);
  return re ?? undefined;
}

function checkString(v: string, s: JsonObject, path: string, ctx: Ctx): void {
  const len = [...v].length;
  if (typeof s.maxLength === 'number' && len > s.maxLength) ctx.errs.push(fieldErr.tooLongMaxLength(path, s.maxLength));
  if (typeof s.minLength === 'number' && len < s.minLength) ctx.errs.push(fieldErr.invalid(path, v, `${path} in body should be at least ${s.minLength} chars long`));
  if (typeof s.pattern === 'string' && v.length <= 1 << 16) {
    const re = safeRegExp(s.pattern);
    if (re && !re.test(v)) ctx.errs.push(fieldErr.invalid(path, v, `${path} in body should match '${s.pattern}'`));
  }
  const f = typeof s.format === 'string' ? formats[s.format] : undefined;
  if (f && typeof s.format === 'string' && !f.test(v)) ctx.errs.push(fieldErr.invalid(path, v, `${path} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
}

function listKeyOf(item: JsonValue, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  if (isJsonObject(item)) for (const k of keys) if (item[k] !== undefined) out[k] = item[k] as JsonValue;
  return out;
}

function checkArray(v: JsonValue[], s: JsonObject, path: string, ctx: Ctx): void {
  if (typeof s.maxItems === 'number' && v.length > s.maxItems) ctx.errs.push(fieldErr.tooMany(path, v.length, s.maxItems));
  if (typeof s.minItems === 'number' && v.length < s.minItems) ctx.errs.push(fieldErr.invalid(path, v.length, `${path} in body should have at least ${s.minItems} items`));
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set' || s.uniqueItems === true) {
    v.forEach((item, i) => {
      if (v.slice(0, i).some((x) => jsonEqual(x, item))) ctx.errs.push(fieldErr.duplicate(`${path}[${i}]`, item));
    });
  } else if (listType === 'map' && Array.isArray(s['x-kubernetes-list-map-keys'])) {
    const keys = s['x-kubernetes-list-map-keys'].filter((k): k is string => typeof k === 'string');
    const seen: JsonObject[] = [];
    v.forEach((item, i) => {
      const key = listKeyOf(item, keys);
      if (seen.some((x) => jsonEqual(x, key))) ctx.errs.push(fieldErr.duplicate(`${path}[${i}]`, { goText: goLiteral(key) }));
      seen.push(key);
    });
  }
  const items = itemsSchema(s);
  if (items) v.forEach((item, i) => validateNode(item, items, `${path}[${i}]`, { ...ctx, depth: ctx.depth + 1 }));
}

function checkObject(v: JsonObject, s: JsonObject, path: string, ctx: Ctx): void {
  const required = Array.isArray(s.required) ? s.required : [];
  for (const r of required) if (typeof r === 'string' && v[r] === undefined) ctx.errs.push(fieldErr.required(join(path, r)));
  const n = Object.keys(v).length;
  if (typeof s.maxProperties === 'number' && n > s.maxProperties) ctx.errs.push(fieldErr.tooMany(path, n, s.maxProperties));
  if (typeof s.minProperties === 'number' && n < s.minProperties) ctx.errs.push(fieldErr.invalid(path, n, `${path} in body should have at least ${s.minProperties} properties`));
  if (embedded(s)) {
    for (const k of ['apiVersion', 'kind']) if (typeof v[k] !== 'string' || v[k] === '') ctx.errs.push(fieldErr.required(join(path, k), 'must not be empty'));
  }
  for (const [k, val] of Object.entries(v)) {
    const fs = fieldSchema(s, k);
    if (fs) validateNode(val, fs, join(path, k), { ...ctx, depth: ctx.depth + 1 });
  }
}

function checkCombinators(v: JsonValue, s: JsonObject, path: string, ctx: Ctx): void {
  const sub = (x: JsonValue): boolean => {
    if (!isJsonObject(x)) return true;
    const c: Ctx = { errs: [], depth: ctx.depth + 1 };
    validateNode(v, x, path, c);
    return c.errs.length === 0;
  };
  if (Array.isArray(s.allOf)) for (const x of s.allOf) if (isJsonObject(x)) validateNode(v, x, path, { ...ctx, depth: ctx.depth + 1 });
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0 && !s.anyOf.some(sub)) ctx.errs.push(fieldErr.invalid(path, v, `${path} in body must be valid against any of the schemas (anyOf)`));
  if (Array.isArray(s.oneOf) && s.oneOf.length > 0 && s.oneOf.filter(sub).length !== 1) ctx.errs.push(fieldErr.invalid(path, v, `${path} in body must validate one and only one schema (oneOf)`));
  if (isJsonObject(s.not) && sub(s.not)) ctx.errs.push(fieldErr.invalid(path, v, `${path} in body should not validate the schema (not)`));
}

/** `x-kubernetes-validations` rules of a node (the supported CEL subset; undecidable rules are not enforced). */
function checkRules(v: JsonValue, s: JsonObject, path: string, ctx: Ctx): void {
  const rules = s['x-kubernetes-validations'];
  if (!Array.isArray(rules)) return;
  for (const r of rules) {
    if (!isJsonObject(r) || typeof r.rule !== 'string' || evalRule(r.rule, v) !== false) continue;
    const message = typeof r.message === 'string' && r.message ? r.message : `failed rule: ${r.rule}`;
    const field = typeof r.fieldPath === 'string' && r.fieldPath ? `${path}${r.fieldPath.startsWith('.') ? '' : '.'}${r.fieldPath}`.replace(/^\./, '') : path;
    if (r.reason === 'FieldValueForbidden') ctx.errs.push(fieldErr.forbidden(field, message));
    else if (r.reason === 'FieldValueRequired') ctx.errs.push(fieldErr.required(field, message));
    else if (r.reason === 'FieldValueDuplicate') ctx.errs.push({ ...fieldErr.duplicate(field, String(s.type ?? 'object')), detail: message });
    else ctx.errs.push(fieldErr.invalid(field, String(s.type ?? 'object'), message));
  }
}

function validateNode(v: JsonValue, s: JsonObject, path: string, ctx: Ctx): void {
  if (ctx.depth > maxDepth) return;
  if (v === null) {
    if (s.nullable === true || (typeof s.type !== 'string' && s['x-kubernetes-int-or-string'] !== true)) return;
    ctx.errs.push(fieldErr.typeInvalid(path, 'null', `${path} in body must be of type ${wantType(s)}: "null"`));
    return;
  }
  if (!typeOk(v, s)) {
    const actual = jsonTypeOf(v);
    ctx.errs.push(fieldErr.typeInvalid(path, actual, `${path} in body must be of type ${wantType(s)}: ${JSON.stringify(actual)}`));
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => jsonEqual(e, v))) {
    ctx.errs.push(fieldErr.notSupported(path, v, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (typeof v === 'number') checkNumber(v, s, path, ctx);
  else if (typeof v === 'string') checkString(v, s, path, ctx);
  else if (Array.isArray(v)) checkArray(v, s, path, ctx);
  else if (isJsonObject(v)) checkObject(v, s, path, ctx);
  checkCombinators(v, s, path, ctx);
  checkRules(v, s, path, ctx);
}

/**
 * Validates a whole custom resource against its version's schema. apiVersion, kind and metadata at the root
 * are skipped (the server validates metadata); every other root field is checked.
 */
export function validateCustomResource(obj: JsonObject, schema: JsonObject): FieldError[] {
  const ctx: Ctx = { errs: [], depth: 0 };
  const body: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') body[k] = v;
  const rootSchema: JsonObject = { ...schema };
  if (Array.isArray(schema.required)) rootSchema.required = schema.required.filter((r) => r !== 'apiVersion' && r !== 'kind' && r !== 'metadata');
  validateNode(body, rootSchema, '', ctx);
  return ctx.errs.map((e) => ({ ...e, field: e.field === '' ? '<nil>' : e.field }));
}
