/**
 * configMapGenerator and secretGenerator: literals, files and env files become ConfigMaps and
 * Secrets; kustomize's content hash (api/hasher semantics) names them at the end of the build.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { JsonObject, JsonValue } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { KustomizeError } from './errors.js';
import type { Loader } from './fs.js';
import type { GeneratorArgs, GeneratorOptions, Kustomization } from './kustomization.js';
import type { Resource } from './resource.js';
import { newResource } from './resource.js';

function parseLiteral(file: string, s: string): [string, string] {
  const i = s.indexOf('=');
  if (i <= 0) throw new KustomizeError(`invalid literal source ${s}, expected key=value`, file);
  let v = s.slice(i + 1);
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) v = v.slice(1, -1);
  return [s.slice(0, i), v];
}

/** kustomize's env file reading: `KEY=value` lines, `#` comments, a line without `=` is a key with an empty value. */
function parseEnvFile(text: string): [string, string][] {
  const out: [string, string][] = [];
  text.split('\n').forEach((raw, n) => {
    let line = raw.replace(/\r$/, '');
    if (n === 0) line = line.replace(/^\uFEFF/, '');
    line = line.trimStart();
    if (line === '' || line.startsWith('#')) return;
    const i = line.indexOf('=');
    out.push(i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)]);
  });
  return out;
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

function mergedOptions(k: Kustomization, g: GeneratorArgs): GeneratorOptions {
  const go = k.generatorOptions ?? {};
  const o = g.options ?? {};
  return {
    labels: { ...(go.labels ?? {}), ...(o.labels ?? {}) },
    annotations: { ...(go.annotations ?? {}), ...(o.annotations ?? {}) },
    disableNameSuffixHash: o.disableNameSuffixHash ?? go.disableNameSuffixHash ?? false,
    immutable: o.immutable ?? go.immutable ?? false,
  };
}

interface GenInput {
  loader: Loader;
  k: Kustomization;
  args: GeneratorArgs;
  kind: 'ConfigMap' | 'Secret';
}

/** Builds the object of one generator entry. */
export function generate(input: GenInput): Resource {
  const { loader, k, args, kind } = input;
  const file = k.file;
  const data: JsonObject = {};
  const binaryData: JsonObject = {};
  const put = (key: string, value: Buffer | string, from: string): void => {
    if (key in data || key in binaryData) {
      throw new KustomizeError(`configmap/secret ${args.name ?? ''}: duplicate key "${key}" (from ${from})`, file);
    }
    const buf = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    if (kind === 'Secret') data[key] = buf.toString('base64');
    else if (isUtf8(buf)) data[key] = buf.toString('utf8');
    else binaryData[key] = buf.toString('base64');
  };
  for (const env of args.envs) {
    const r = loader.readRelative(k.dir, env);
    if (!isUtf8(r.bytes)) throw new KustomizeError('env file has invalid utf8 bytes', env);
    for (const [key, v] of parseEnvFile(r.text)) put(key, v, env);
  }
  for (const lit of args.literals) {
    const [key, v] = parseLiteral(file, lit);
    put(key, v, 'literal');
  }
  for (const f of args.files) {
    const i = f.indexOf('=');
    const key = i < 0 ? basename(f) : f.slice(0, i);
    const path = i < 0 ? f : f.slice(i + 1);
    const r = loader.readRelative(k.dir, path);
    put(key, r.bytes, path);
  }
  const opts = mergedOptions(k, args);
  const metadata: JsonObject = { name: args.name ?? '' };
  const ns = args.namespace;
  if (ns) metadata.namespace = ns;
  if (Object.keys(opts.labels ?? {}).length > 0) metadata.labels = { ...opts.labels };
  if (Object.keys(opts.annotations ?? {}).length > 0) metadata.annotations = { ...opts.annotations };
  const obj: JsonObject = { apiVersion: 'v1', kind, metadata };
  if (kind === 'Secret') obj.type = args.type ?? 'Opaque';
  if (Object.keys(data).length > 0) obj.data = data;
  if (Object.keys(binaryData).length > 0) obj.binaryData = binaryData;
  if (opts.immutable) obj.immutable = true;
  const res = newResource(obj, file);
  res.needsHash = !opts.disableNameSuffixHash;
  res.behavior = args.behavior ?? 'create';
  res.generatedBy = kind === 'Secret' ? 'SecretGenerator' : 'ConfigMapGenerator';
  return res;
}

/** JSON text as Go's encoding/json writes it (HTML-safe escapes, sorted keys). */
function goJson(v: JsonValue): string {
  if (v === null || typeof v !== 'object') {
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const keys = Object.keys(v).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
  return `{${keys.map((k) => `${goJson(k)}:${goJson(v[k] as JsonValue)}`).join(',')}}`;
}

function fieldOrEmpty(obj: JsonObject, key: string): JsonValue {
  const v = obj[key];
  return v === undefined || v === null ? '' : isJsonObject(v) ? v : String(v);
}

/** kustomize's 10-character content hash of a ConfigMap, Secret or other object. */
export function contentHash(obj: JsonObject): string {
  // kustomize looks the name up as one field called "metadata/name", which never exists: always "".
  const name = '';
  let encoded: string;
  if (obj.kind === 'ConfigMap') {
    const m: JsonObject = { kind: 'ConfigMap', name, data: fieldOrEmpty(obj, 'data') };
    if (isJsonObject(obj.binaryData)) m.binaryData = obj.binaryData;
    encoded = goJson(m);
  } else if (obj.kind === 'Secret') {
    const m: JsonObject = { kind: 'Secret', type: fieldOrEmpty(obj, 'type'), name, data: fieldOrEmpty(obj, 'data') };
    if (isJsonObject(obj.stringData)) m.stringData = obj.stringData;
    encoded = goJson(m);
  } else {
    encoded = goJson(obj);
  }
  const hex = createHash('sha256').update(encoded).digest('hex');
  const map: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return Array.from(hex.slice(0, 10), (c) => map[c] ?? c).join('');
}
