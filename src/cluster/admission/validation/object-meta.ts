/**
 * ObjectMeta validation every kind gets (beyond the name, which the server core checks): label keys and
 * values, annotation keys and total size, finalizer names — and the labels of pod templates, which GitOps
 * tools fill from kustomize `labels`/`commonLabels`. Messages are the API server's.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../kube/object.js';
import { fieldErr, type FieldError } from '../field-errors.js';

const namePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const namePartMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const prefixMsg =
  "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Problems of a qualified name (`prefix/name`), as `IsQualifiedName` words them. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name = value;
  const out: string[] = [];
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) out.push('prefix part must be no more than 253 characters');
      if (!subdomain.test(prefix)) out.push(prefixMsg);
    }
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push('name part must be no more than 63 characters');
  if (name.length > 0 && !namePart.test(name)) out.push(namePartMsg);
  return out;
}

/** Errors of a label map at `path` (`metadata.labels`). */
export function labelErrors(labels: JsonValue | undefined, path: string): FieldError[] {
  if (!isJsonObject(labels)) return [];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of qualifiedNameErrors(k)) errs.push(fieldErr.invalid(path, k, m));
    const value = typeof v === 'string' ? v : String(v);
    if (value.length > 63) errs.push(fieldErr.invalid(path, value, 'must be no more than 63 characters'));
    if (!labelValue.test(value)) errs.push(fieldErr.invalid(path, value, labelValueMsg));
  }
  return errs;
}

const maxAnnotationBytes = 256 * 1024;

/** Errors of an annotation map at `path`. */
export function annotationErrors(annotations: JsonValue | undefined, path: string): FieldError[] {
  if (!isJsonObject(annotations)) return [];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of qualifiedNameErrors(k.toLowerCase())) errs.push(fieldErr.invalid(path, k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : String(v));
  }
  if (total > maxAnnotationBytes) errs.push(fieldErr.tooLong(path, maxAnnotationBytes));
  return errs;
}

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** Errors of `metadata` (labels, annotations, finalizers) of any object. */
export function objectMetaErrors(meta: JsonValue | undefined, path = 'metadata'): FieldError[] {
  if (!isJsonObject(meta)) return [];
  const errs = [...labelErrors(meta.labels, `${path}.labels`), ...annotationErrors(meta.annotations, `${path}.annotations`)];
  const fins = Array.isArray(meta.finalizers) ? meta.finalizers : [];
  fins.forEach((f, i) => {
    if (typeof f !== 'string' || standardFinalizers.has(f)) return;
    for (const m of qualifiedNameErrors(f)) errs.push(fieldErr.invalid(`${path}.finalizers[${i}]`, f, m));
  });
  return errs;
}

/** Template metadata labels/annotations of workloads (`spec.template.metadata`, CronJob job templates). */
export function templateMetaErrors(obj: JsonObject): FieldError[] {
  const spec = isJsonObject(obj.spec) ? obj.spec : undefined;
  if (!spec) return [];
  const errs: FieldError[] = [];
  const t = isJsonObject(spec.template) ? spec.template : undefined;
  if (t && isJsonObject(t.metadata)) {
    errs.push(...labelErrors(t.metadata.labels, 'spec.template.metadata.labels'), ...annotationErrors(t.metadata.annotations, 'spec.template.metadata.annotations'));
  }
  const sel = isJsonObject(spec.selector) ? spec.selector : undefined;
  if (sel && isJsonObject(sel.matchLabels)) errs.push(...labelErrors(sel.matchLabels, 'spec.selector.matchLabels'));
  return errs;
}
