/**
 * OpenAPI v2 as protobuf: the gnostic `openapi.v2.Document` message (github.com/google/gnostic-models,
 * `openapiv2/OpenAPIv2.proto`) that kubectl and client-go ask `/openapi/v2` for with
 * `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (client-side validation when a group
 * version is missing from `/openapi/v3`, `explain --output=plaintext-openapiv2`, apply's patch-type fallback).
 *
 * `encodeOpenApiV2` translates a JSON v2 document field by field, as gnostic's compiler does when a real API
 * server serves its document as protobuf: `type` becomes a `TypeItem` list, `items` an `ItemsItem`,
 * `additionalProperties` a schema-or-boolean oneof, `properties`/`definitions`/`paths`/`responses` ordered
 * name-value lists (in the JSON key order), and every `x-*` key, `default`, `enum` and `example` an `Any`
 * holding the value as YAML (`openapi-proto-yaml.ts`), which is how kubectl reads `x-kubernetes-*` extensions.
 * Covered: the document (swagger, info, host, basePath, schemes, consumes, produces, paths, definitions,
 * parameters, responses, security, securityDefinitions of the basic and apiKey kinds, tags, externalDocs),
 * path items, operations, body and non-body parameters, responses with schemas, and schemas with every field
 * of the message. Not covered (dropped): response headers and examples, OAuth2 security definitions, `file`
 * response schemas. Keys the v2 message has no field for (e.g. OpenAPI v3's `nullable`/`anyOf`) are dropped,
 * where gnostic would refuse the whole document; `openapi.ts` converts CRD schemas to v2 first, as the real
 * API server does.
 */
import type { JsonObject, JsonValue } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { ProtoWriter } from './openapi-proto-wire.js';
import { toYaml } from './openapi-proto-yaml.js';

/** Media types of the OpenAPI v2 protobuf: the one kubectl asks for, and the one a real server answers with. */
export const OPENAPI_V2_PROTO_TYPES = {
  requested: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  served: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
} as const;

/** Nesting deeper than this (schemas inside schemas) is refused rather than recursed into. */
const MAX_DEPTH = 200;

/** A JSON v2 document that cannot be encoded (too deeply nested); `path` is a JSON-pointer-like location. */
export class OpenApiProtoError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'OpenApiProtoError';
  }
}

const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: JsonValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const flag = (v: JsonValue | undefined): boolean => v === true;
const strings = (v: JsonValue | undefined): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const entries = (v: JsonValue | undefined): [string, JsonObject][] => (isJsonObject(v) ? Object.entries(v).filter((e): e is [string, JsonObject] => isJsonObject(e[1])) : []);

interface Ctx {
  w: ProtoWriter;
}

/** An `Any` holding `v` as YAML. */
function any(c: Ctx, field: number, v: JsonValue): void {
  c.w.message(field, () => c.w.string(2, toYaml(v)));
}

/** Every `x-*` key of `o` as a `NamedAny`. */
function extensions(c: Ctx, field: number, o: JsonObject): void {
  for (const [k, v] of Object.entries(o)) {
    if (!k.startsWith('x-')) continue;
    c.w.message(field, () => {
      c.w.string(1, k);
      any(c, 2, v);
    });
  }
}

function externalDocs(c: Ctx, field: number, v: JsonValue | undefined): void {
  if (!isJsonObject(v)) return;
  c.w.message(field, () => {
    c.w.string(1, str(v.description));
    c.w.string(2, str(v.url));
    extensions(c, 3, v);
  });
}

function xml(c: Ctx, field: number, v: JsonValue | undefined): void {
  if (!isJsonObject(v)) return;
  c.w.message(field, () => {
    c.w.string(1, str(v.name));
    c.w.string(2, str(v.namespace));
    c.w.string(3, str(v.prefix));
    c.w.bool(4, flag(v.attribute));
    c.w.bool(5, flag(v.wrapped));
    extensions(c, 6, v);
  });
}

function schemaField(c: Ctx, field: number, s: JsonObject, at: { path: string; depth: number }): void {
  if (at.depth > MAX_DEPTH) throw new OpenApiProtoError(at.path, `schemas nested deeper than ${MAX_DEPTH}`);
  c.w.message(field, () => schema(c, s, at));
}

/** The validation keywords a `Schema` shares (fields 6-18). */
function schemaLimits(c: Ctx, s: JsonObject): void {
  const { w } = c;
  w.double(6, num(s.multipleOf));
  w.double(7, num(s.maximum));
  w.bool(8, flag(s.exclusiveMaximum));
  w.double(9, num(s.minimum));
  w.bool(10, flag(s.exclusiveMinimum));
  w.int64(11, num(s.maxLength));
  w.int64(12, num(s.minLength));
  w.string(13, str(s.pattern));
  w.int64(14, num(s.maxItems));
  w.int64(15, num(s.minItems));
  w.bool(16, flag(s.uniqueItems));
  w.int64(17, num(s.maxProperties));
  w.int64(18, num(s.minProperties));
}

/** The body of an `openapi.v2.Schema`. */
function schema(c: Ctx, s: JsonObject, at: { path: string; depth: number }): void {
  const { w } = c;
  const sub = (name: string): { path: string; depth: number } => ({ path: `${at.path}/${name}`, depth: at.depth + 1 });
  w.string(1, str(s.$ref));
  w.string(2, str(s.format));
  w.string(3, str(s.title));
  w.string(4, str(s.description));
  if (s.default !== undefined) any(c, 5, s.default);
  schemaLimits(c, s);
  w.strings(19, strings(s.required));
  if (Array.isArray(s.enum)) for (const e of s.enum) any(c, 20, e);
  const ap = s.additionalProperties;
  if (typeof ap === 'boolean') w.message(21, () => w.oneofBool(2, ap));
  else if (isJsonObject(ap)) w.message(21, () => schemaField(c, 1, ap, sub('additionalProperties')));
  if (typeof s.type === 'string' || Array.isArray(s.type)) w.message(22, () => w.strings(1, strings(s.type)));
  const items = s.items;
  if (isJsonObject(items)) w.message(23, () => schemaField(c, 1, items, sub('items')));
  else if (Array.isArray(items)) w.message(23, () => items.forEach((x, i) => isJsonObject(x) && schemaField(c, 1, x, sub(`items/${i}`))));
  if (Array.isArray(s.allOf)) s.allOf.forEach((x, i) => isJsonObject(x) && schemaField(c, 24, x, sub(`allOf/${i}`)));
  if (isJsonObject(s.properties)) {
    const props = entries(s.properties);
    w.message(25, () => {
      for (const [name, p] of props) {
        w.message(1, () => {
          w.string(1, name);
          schemaField(c, 2, p, sub(`properties/${name}`));
        });
      }
    });
  }
  w.string(26, str(s.discriminator));
  w.bool(27, flag(s.readOnly));
  xml(c, 28, s.xml);
  externalDocs(c, 29, s.externalDocs);
  if (s.example !== undefined) any(c, 30, s.example);
  extensions(c, 31, s);
}

/**
 * The fields from `type` on that primitive parameters, their `items` and headers share, numbered from `first`
 * (type, format, items, collectionFormat, default, maximum … multipleOf, then the extensions).
 */
function primitiveTail(c: Ctx, p: JsonObject, first: number): void {
  const { w } = c;
  let f = first;
  w.string(f++, str(p.type));
  w.string(f++, str(p.format));
  const items = p.items;
  const itemsField = f++;
  if (isJsonObject(items)) w.message(itemsField, () => primitiveTail(c, items, 1));
  w.string(f++, str(p.collectionFormat));
  if (p.default !== undefined) any(c, f, p.default);
  f++;
  w.double(f++, num(p.maximum));
  w.bool(f++, flag(p.exclusiveMaximum));
  w.double(f++, num(p.minimum));
  w.bool(f++, flag(p.exclusiveMinimum));
  w.int64(f++, num(p.maxLength));
  w.int64(f++, num(p.minLength));
  w.string(f++, str(p.pattern));
  w.int64(f++, num(p.maxItems));
  w.int64(f++, num(p.minItems));
  w.bool(f++, flag(p.uniqueItems));
  const enumField = f++;
  if (Array.isArray(p.enum)) for (const e of p.enum) any(c, enumField, e);
  w.double(f++, num(p.multipleOf));
  extensions(c, f, p);
}

/** `NonBodyParameter` oneof members by `in`; query and formData carry `allowEmptyValue` as field 5. */
const NON_BODY = { header: { field: 1, allowEmpty: false }, formData: { field: 2, allowEmpty: true }, query: { field: 3, allowEmpty: true }, path: { field: 4, allowEmpty: false } } as const;

/** The body of a `Parameter` (a body parameter or one of the four non-body kinds). */
function parameter(c: Ctx, p: JsonObject, path: string): void {
  const { w } = c;
  if (p.in === 'body') {
    w.message(1, () => {
      w.string(1, str(p.description));
      w.string(2, str(p.name));
      w.string(3, 'body');
      w.bool(4, flag(p.required));
      if (isJsonObject(p.schema)) schemaField(c, 5, p.schema, { path: `${path}/schema`, depth: 1 });
      extensions(c, 6, p);
    });
    return;
  }
  const kind = typeof p.in === 'string' && Object.hasOwn(NON_BODY, p.in) ? NON_BODY[p.in as keyof typeof NON_BODY] : undefined;
  if (!kind) return;
  w.message(2, () =>
    w.message(kind.field, () => {
      w.bool(1, flag(p.required));
      w.string(2, str(p.in));
      w.string(3, str(p.description));
      w.string(4, str(p.name));
      if (kind.allowEmpty) w.bool(5, flag(p.allowEmptyValue));
      primitiveTail(c, p, kind.allowEmpty ? 6 : 5);
    }),
  );
}

/** A `ParametersItem`: a `$ref` becomes a `JsonReference`, anything else a `Parameter`. */
function parametersItem(c: Ctx, field: number, p: JsonObject, path: string): void {
  c.w.message(field, () => {
    if (typeof p.$ref === 'string') {
      const ref = p.$ref;
      c.w.message(2, () => {
        c.w.string(1, ref);
        c.w.string(2, str(p.description));
      });
    } else c.w.message(1, () => parameter(c, p, path));
  });
}

function parametersList(c: Ctx, field: number, v: JsonValue | undefined, path: string): void {
  if (Array.isArray(v)) v.forEach((p, i) => isJsonObject(p) && parametersItem(c, field, p, `${path}/${i}`));
}

/** The body of a `Response` (description, schema, extensions). */
function response(c: Ctx, r: JsonObject, path: string): void {
  c.w.string(1, str(r.description));
  const s = r.schema;
  if (isJsonObject(s) && s.type !== 'file') c.w.message(2, () => schemaField(c, 1, s, { path: `${path}/schema`, depth: 1 }));
  extensions(c, 5, r);
}

function responses(c: Ctx, field: number, v: JsonValue | undefined, path: string): void {
  if (!isJsonObject(v)) return;
  c.w.message(field, () => {
    for (const [code, r] of entries(v)) {
      c.w.message(1, () => {
        c.w.string(1, code);
        c.w.message(2, () => {
          if (typeof r.$ref === 'string') {
            const ref = r.$ref;
            c.w.message(2, () => c.w.string(1, ref));
          } else c.w.message(1, () => response(c, r, `${path}/${code}`));
        });
      });
    }
    extensions(c, 2, v);
  });
}

function security(c: Ctx, field: number, v: JsonValue | undefined): void {
  if (!Array.isArray(v)) return;
  for (const req of v) {
    if (!isJsonObject(req)) continue;
    c.w.message(field, () => {
      for (const [name, scopes] of Object.entries(req)) {
        c.w.message(1, () => {
          c.w.string(1, name);
          c.w.message(2, () => c.w.strings(1, strings(scopes)));
        });
      }
    });
  }
}

function operation(c: Ctx, op: JsonObject, path: string): void {
  const { w } = c;
  w.strings(1, strings(op.tags));
  w.string(2, str(op.summary));
  w.string(3, str(op.description));
  externalDocs(c, 4, op.externalDocs);
  w.string(5, str(op.operationId));
  w.strings(6, strings(op.produces));
  w.strings(7, strings(op.consumes));
  parametersList(c, 8, op.parameters, `${path}/parameters`);
  responses(c, 9, op.responses, `${path}/responses`);
  w.strings(10, strings(op.schemes));
  w.bool(11, flag(op.deprecated));
  security(c, 12, op.security);
  extensions(c, 13, op);
}

const METHODS = [
  ['get', 2],
  ['put', 3],
  ['post', 4],
  ['delete', 5],
  ['options', 6],
  ['head', 7],
  ['patch', 8],
] as const;

function pathItem(c: Ctx, item: JsonObject, path: string): void {
  c.w.string(1, str(item.$ref));
  for (const [method, field] of METHODS) {
    const op = item[method];
    if (isJsonObject(op)) c.w.message(field, () => operation(c, op, `${path}/${method}`));
  }
  parametersList(c, 9, item.parameters, `${path}/parameters`);
  extensions(c, 10, item);
}

function info(c: Ctx, v: JsonValue | undefined): void {
  if (!isJsonObject(v)) return;
  c.w.message(2, () => {
    c.w.string(1, str(v.title));
    c.w.string(2, str(v.version));
    c.w.string(3, str(v.description));
    c.w.string(4, str(v.termsOfService));
    extensions(c, 7, v);
  });
}

/** `securityDefinitions` of the basic and apiKey kinds (OAuth2 flows are dropped). */
function securityDefinitions(c: Ctx, v: JsonValue | undefined): void {
  if (!isJsonObject(v)) return;
  c.w.message(13, () => {
    for (const [name, d] of entries(v)) {
      if (d.type !== 'basic' && d.type !== 'apiKey') continue;
      c.w.message(1, () => {
        c.w.string(1, name);
        c.w.message(2, () => {
          if (d.type === 'basic') {
            c.w.message(1, () => {
              c.w.string(1, 'basic');
              c.w.string(2, str(d.description));
              extensions(c, 3, d);
            });
            return;
          }
          c.w.message(2, () => {
            c.w.string(1, 'apiKey');
            c.w.string(2, str(d.name));
            c.w.string(3, str(d.in));
            c.w.string(4, str(d.description));
            extensions(c, 5, d);
          });
        });
      });
    }
  });
}

function tags(c: Ctx, v: JsonValue | undefined): void {
  if (!Array.isArray(v)) return;
  for (const t of v) {
    if (!isJsonObject(t)) continue;
    c.w.message(14, () => {
      c.w.string(1, str(t.name));
      c.w.string(2, str(t.description));
      externalDocs(c, 3, t.externalDocs);
      extensions(c, 4, t);
    });
  }
}

/** Named entries of a top-level map (`paths`, `definitions`, `parameters`, `responses`) under `field`. */
function namedMap(c: Ctx, field: number, v: JsonValue | undefined, write: (name: string, value: JsonObject) => void): void {
  if (!isJsonObject(v)) return;
  c.w.message(field, () => {
    if (field === 8) extensions(c, 1, v);
    for (const [name, value] of entries(v)) {
      if (field === 8 && name.startsWith('x-')) continue;
      c.w.message(field === 8 ? 2 : 1, () => {
        c.w.string(1, name);
        c.w.message(2, () => write(name, value));
      });
    }
  });
}

/**
 * The gnostic `openapi.v2.Document` protobuf of a JSON OpenAPI v2 document. Throws `OpenApiProtoError` for
 * schemas nested deeper than 200 levels.
 */
export function encodeOpenApiV2(doc: JsonObject): Buffer {
  const c: Ctx = { w: new ProtoWriter(1 << 20) };
  const { w } = c;
  w.string(1, str(doc.swagger));
  info(c, doc.info);
  w.string(3, str(doc.host));
  w.string(4, str(doc.basePath));
  w.strings(5, strings(doc.schemes));
  w.strings(6, strings(doc.consumes));
  w.strings(7, strings(doc.produces));
  namedMap(c, 8, doc.paths, (name, item) => pathItem(c, item, `/paths/${name}`));
  namedMap(c, 9, doc.definitions, (name, s) => schema(c, s, { path: `/definitions/${name}`, depth: 1 }));
  namedMap(c, 10, doc.parameters, (name, p) => parameter(c, p, `/parameters/${name}`));
  namedMap(c, 11, doc.responses, (name, r) => response(c, r, `/responses/${name}`));
  security(c, 12, doc.security);
  securityDefinitions(c, doc.securityDefinitions);
  tags(c, doc.tags);
  externalDocs(c, 15, doc.externalDocs);
  extensions(c, 16, doc);
  return w.finish();
}

/** One media range of an `Accept` header. */
interface AcceptClause {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(accept: string): AcceptClause[] {
  const out: AcceptClause[] = [];
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((x) => x.trim());
    const [type = '', subtype = ''] = range.split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m?.[1] !== undefined) q = Number(m[1]);
    }
    if (q > 0) out.push({ type, subtype, q });
  }
  // Highest q first, then the more specific range, keeping the header's order otherwise.
  const specificity = (c: AcceptClause): number => (c.type === '*' ? 0 : c.subtype === '*' ? 1 : 2);
  return out.map((c, i) => ({ c, i })).sort((a, b) => b.c.q - a.c.q || specificity(b.c) - specificity(a.c) || a.i - b.i).map((x) => x.c);
}

/** What `/openapi/v2` answers an `Accept` header with. */
export type OpenApiV2Format = 'json' | 'protobuf' | 'none';

const V2_FORMATS: readonly { subtype: string; format: OpenApiV2Format }[] = [
  { subtype: 'json', format: 'json' },
  { subtype: 'com.github.proto-openapi.spec.v2@v1.0+protobuf', format: 'protobuf' },
  { subtype: 'com.github.proto-openapi.spec.v2.v1.0+protobuf', format: 'protobuf' },
];

/**
 * Content negotiation for `/openapi/v2` as kube-openapi's handler does it: the first acceptable clause (by q)
 * that matches JSON or one of the two protobuf media types wins; wildcards pick JSON; an empty header means
 * `*\/*`; nothing acceptable is `none` (406).
 */
export function negotiateOpenApiV2(accept: string | undefined): OpenApiV2Format {
  const clauses = parseAccept(accept?.trim() ? accept : '*/*');
  for (const c of clauses) {
    if (c.type !== 'application' && c.type !== '*') continue;
    const hit = V2_FORMATS.find((f) => c.subtype === '*' || c.subtype === f.subtype);
    if (hit) return hit.format;
  }
  return 'none';
}
