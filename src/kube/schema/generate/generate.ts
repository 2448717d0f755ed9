/**
 * Generates `src/kube/schema/builtin.generated.ts` from Kubernetes' OpenAPI v2 document (the 1.21.2
 * reference file): definitions stripped to structure and merge extensions, plus the discovery table of
 * every served built-in resource. Deterministic: the same input always gives the same bytes (a test
 * re-runs it and compares with the committed file).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { packageRoot } from '../../../util/paths.js';
import type { BuiltinResource, BuiltinTable, RawSchema } from '../table.js';
import { NOT_RESOURCES, RESOURCE_FACTS, STANDARD_VERBS, UNSCOPED_RESOURCES, VERSION_ALIASES } from './resource-facts.js';
import type { VersionAlias } from './resource-facts.js';

/** Repository-relative path of the generated module. */
export const GENERATED_MODULE = 'src/kube/schema/builtin.generated.ts';

/** Where the reference spec lives: `../shared/reference/kubernetes-openapi/` next to the repository. */
export function defaultSpecPath(): string {
  return join(packageRoot(), '..', 'shared', 'reference', 'kubernetes-openapi', 'kubernetes-openapi-v1.21.2.json.gz');
}

/** Thrown when the spec is missing or not the expected shape. */
export class SchemaGenerationError extends Error {
  override readonly name = 'SchemaGenerationError';
  constructor(
    message: string,
    /** The spec file involved. */
    readonly file: string,
  ) {
    super(`${file}: ${message}`);
  }
}

const MAX_SPEC_BYTES = 64 * 1024 * 1024;

/** Reads and decompresses (when gzipped) the spec; throws {@link SchemaGenerationError} when absent. */
export function readSpec(path: string = defaultSpecPath()): Buffer {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    throw new SchemaGenerationError(`cannot read the Kubernetes OpenAPI spec (${String(err)})`, path);
  }
  const data = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw, { maxOutputLength: MAX_SPEC_BYTES }) : raw;
  return data;
}

interface SpecResource {
  apiVersion: string;
  kind: string;
  definition: string;
  scope?: string;
}

interface Spec {
  definitions: Record<string, Record<string, unknown>>;
  resources: SpecResource[];
}

function parseSpec(data: Buffer, file: string): Spec {
  const spec = JSON.parse(data.toString('utf8')) as Partial<Spec>;
  if (!spec || typeof spec.definitions !== 'object' || !Array.isArray(spec.resources)) {
    throw new SchemaGenerationError('expected an object with "definitions" and "resources"', file);
  }
  return spec as Spec;
}

const KEPT_SCALAR_KEYS = [
  'type',
  'format',
  'required',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
] as const;

const REF_PREFIX = '#/definitions/';

/** Strips an OpenAPI schema node to the keys in {@link RawSchema}, in a fixed key order. */
export function stripSchema(node: Record<string, unknown>): RawSchema {
  const out: Record<string, unknown> = {};
  const ref = node['$ref'];
  if (typeof ref === 'string') out['$ref'] = ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
  for (const key of KEPT_SCALAR_KEYS) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  const props = node['properties'];
  if (props && typeof props === 'object') {
    const stripped: Record<string, RawSchema> = {};
    for (const [name, sub] of Object.entries(props as Record<string, Record<string, unknown>>)) stripped[name] = stripSchema(sub);
    out['properties'] = stripped;
  }
  const ap = node['additionalProperties'];
  if (typeof ap === 'boolean') out['additionalProperties'] = ap;
  else if (ap && typeof ap === 'object') out['additionalProperties'] = stripSchema(ap as Record<string, unknown>);
  const items = node['items'];
  if (items && typeof items === 'object' && !Array.isArray(items)) out['items'] = stripSchema(items as Record<string, unknown>);
  return out as RawSchema;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

function rewriteRefs(node: RawSchema, from: string, to: string): RawSchema {
  const json = JSON.stringify(node, (key, value: unknown) =>
    key === '$ref' && typeof value === 'string' && value.startsWith(from) ? to + value.slice(from.length) : value,
  );
  return JSON.parse(json) as RawSchema;
}

function applyAlias(defs: Record<string, RawSchema>, alias: VersionAlias): void {
  for (const name of Object.keys(defs)) {
    if (!name.startsWith(alias.fromPrefix)) continue;
    const suffix = name.slice(alias.fromPrefix.length);
    if (defs[alias.toPrefix + suffix]) continue;
    let copy = rewriteRefs(defs[name] as RawSchema, alias.fromPrefix, alias.toPrefix);
    const extra = alias.addProperties?.[suffix];
    if (extra && copy.properties) {
      const merged: Record<string, RawSchema> = { ...copy.properties };
      for (const [p, s] of Object.entries(extra)) merged[p] = { ...s };
      copy = { ...copy, properties: Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
    }
    defs[alias.toPrefix + suffix] = copy;
  }
}

function buildResource(r: SpecResource, scope: string, defs: Record<string, RawSchema>, file: string): BuiltinResource {
  const { group } = splitApiVersion(r.apiVersion);
  const facts = RESOURCE_FACTS[`${group}/${r.kind}`];
  if (!facts) throw new SchemaGenerationError(`no discovery facts for ${group}/${r.kind}: add it to resource-facts.ts`, file);
  const def = defs[r.definition];
  if (!def) throw new SchemaGenerationError(`definition ${r.definition} of ${r.apiVersion} ${r.kind} is missing`, file);
  const verbs = facts.verbs ?? STANDARD_VERBS;
  const subresources = new Set(facts.subresources ?? []);
  if (facts.status !== false && def.properties?.['status'] && verbs.includes('update')) subresources.add('status');
  return {
    apiVersion: r.apiVersion,
    kind: r.kind,
    definition: r.definition,
    plural: facts.plural,
    singular: r.kind.toLowerCase(),
    namespaced: scope === 'Namespaced',
    shortNames: facts.shortNames ?? [],
    categories: facts.categories ?? [],
    verbs: [...verbs],
    subresources: [...subresources].sort(),
  };
}

function servedResources(spec: Spec, defs: Record<string, RawSchema>, file: string): BuiltinResource[] {
  const out: BuiltinResource[] = [];
  const seen = new Set<string>();
  const add = (r: SpecResource, scope: string): void => {
    const key = `${r.apiVersion}/${r.kind}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(buildResource(r, scope, defs, file));
  };
  for (const r of spec.resources) {
    const key = `${r.apiVersion}/${r.kind}`;
    if (NOT_RESOURCES.has(key)) continue;
    const scope = r.scope ?? UNSCOPED_RESOURCES[key];
    if (scope) add(r, scope);
  }
  for (const alias of VERSION_ALIASES) {
    for (const kind of alias.kinds) add({ apiVersion: alias.apiVersion, kind, definition: alias.toPrefix + kind }, alias.scope);
  }
  const missing = Object.keys(UNSCOPED_RESOURCES).filter((k) => !seen.has(k));
  if (missing.length > 0) throw new SchemaGenerationError(`resources expected but absent: ${missing.join(', ')}`, file);
  return out.sort((a, b) => cmp(a.apiVersion, b.apiVersion) || cmp(a.kind, b.kind));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Builds the table from the decompressed spec bytes. */
export function buildBuiltinTable(data: Buffer, file: string): BuiltinTable {
  const spec = parseSpec(data, file);
  const defs: Record<string, RawSchema> = {};
  for (const name of Object.keys(spec.definitions).sort(cmp)) defs[name] = stripSchema(spec.definitions[name] as Record<string, unknown>);
  for (const alias of VERSION_ALIASES) applyAlias(defs, alias);
  const sorted: Record<string, RawSchema> = {};
  for (const name of Object.keys(defs).sort(cmp)) sorted[name] = defs[name] as RawSchema;
  const sha = createHash('sha256').update(data).digest('hex');
  return { source: `${basename(file)} sha256:${sha}`, definitions: sorted, resources: servedResources(spec, sorted, file) };
}

/** Renders the generated TypeScript module: one definition and one resource per line. */
export function renderBuiltinModule(table: BuiltinTable): string {
  const lines: string[] = [
    '// Code generated by scripts/gen-schema.ts (`npm run gen:schema`). DO NOT EDIT.',
    `// Source: ${table.source}`,
    "import type { BuiltinTable } from './table.js';",
    '',
    '/** Built-in Kubernetes schemas and discovery facts; read it through `builtinSchemas()`. */',
    'export const BUILTIN_TABLE: BuiltinTable = {',
    `  source: ${JSON.stringify(table.source)},`,
    '  definitions: {',
  ];
  for (const [name, def] of Object.entries(table.definitions)) lines.push(`    ${JSON.stringify(name)}: ${JSON.stringify(def)},`);
  lines.push('  },', '  resources: [');
  for (const r of table.resources) lines.push(`    ${JSON.stringify(r)},`);
  lines.push('  ],', '};', '');
  return lines.join('\n');
}

/** Reads the spec and returns the text of the generated module. */
export function generateBuiltinModule(specPath: string = defaultSpecPath()): string {
  return renderBuiltinModule(buildBuiltinTable(readSpec(specPath), specPath));
}
