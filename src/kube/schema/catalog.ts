/**
 * The schema catalog: built-in kinds from the generated table plus CRDs added at run time. It implements
 * {@link SchemaRegistry} and adds resource lookups (by plural, kubectl-style names) and CRD management.
 *
 * `builtinSchemas()` is one shared, immutable catalog; `createSchemaCatalog()` (or `fork()`) gives a
 * mutable one. Catalogs are cheap: built-in nodes and indexes are shared by all of them, and a fork copies
 * only the CRD maps (copy-on-write), so a local cluster can hold one per server and tests many.
 */
import type { GroupVersionKind, JsonObject, KubeObject } from '../object.js';
import { isJsonObject } from '../object.js';
import { BUILTIN_TABLE } from './builtin.generated.js';
import { RawSchemaNode, SchemaResolver } from './node.js';
import { withPostV121Fields } from './overlay.js';
import type { BuiltinTable, RawSchema } from './table.js';
import type { ResourceInfo, SchemaNode, SchemaRegistry } from './types.js';
import { kubernetesMinor, servedAt } from './lifecycle.js';
import { compareVersionPriority } from './versions.js';

/** Definition name of ObjectMeta, the schema of every `metadata`. */
export const OBJECT_META_DEFINITION = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** The verbs served for every custom resource. */
export const CUSTOM_RESOURCE_VERBS: readonly string[] = Object.freeze(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);

/** What went wrong with a catalog operation. */
export const SchemaErrorCode = {
  /** The CRD object is malformed (missing group, names, versions…). */
  invalidCrd: 'InvalidCRD',
  /** The CRD would serve a kind or plural that is already served by something else. */
  conflict: 'Conflict',
  /** The catalog is the shared immutable one. */
  immutable: 'Immutable',
  /** A Kubernetes version that is not 1.x. */
  invalidVersion: 'InvalidVersion',
} as const;
export type SchemaErrorCode = (typeof SchemaErrorCode)[keyof typeof SchemaErrorCode];

/** A typed catalog error naming the CRD it is about. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  constructor(
    readonly code: SchemaErrorCode,
    message: string,
    /** `metadata.name` of the CRD involved, when there is one. */
    readonly crd?: string,
  ) {
    super(crd ? `CustomResourceDefinition ${crd}: ${message}` : message);
  }
}

/** One served version of a CRD, as the catalog holds it (deep-frozen; do not mutate). */
export interface CustomResourceVersion {
  /** `metadata.name` of the CRD (`<plural>.<group>`). */
  crdName: string;
  info: ResourceInfo;
  served: boolean;
  storage: boolean;
  /** `schema.openAPIV3Schema` of this version, when given. */
  schema?: JsonObject;
  /** `subresources` of this version as written (`{status: {}, scale: {specReplicasPath…}}`), or `{}`. */
  subresources: JsonObject;
}

interface Entry {
  info: ResourceInfo;
  node(): SchemaNode | undefined;
  crd?: CustomResourceVersion;
}

interface CrdRecord {
  name: string;
  group: string;
  kind: string;
  entries: Entry[];
}

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

function freezeDeep<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) freezeDeep(x);
  }
  return v;
}

/** Shared indexes over the built-in table (all of it, or what one Kubernetes minor version serves). */
class BuiltinIndex {
  readonly entries: readonly Entry[];
  readonly byGvk = new Map<string, Entry>();
  readonly byPlural = new Map<string, Entry>();

  constructor(
    table: BuiltinTable,
    readonly resolver: SchemaResolver,
    minor?: number,
  ) {
    const entries: Entry[] = [];
    for (const r of table.resources) {
      if (minor !== undefined && !servedAt(r.apiVersion, r.kind, minor)) continue;
      const slash = r.apiVersion.indexOf('/');
      const group = slash < 0 ? '' : r.apiVersion.slice(0, slash);
      const version = slash < 0 ? r.apiVersion : r.apiVersion.slice(slash + 1);
      const info: ResourceInfo = freezeDeep({
        group,
        version,
        kind: r.kind,
        plural: r.plural,
        singular: r.singular,
        namespaced: r.namespaced,
        shortNames: [...r.shortNames],
        categories: [...r.categories],
        verbs: [...r.verbs],
        subresources: [...r.subresources],
      });
      const def = r.definition;
      const entry: Entry = { info, node: () => this.resolver.definition(def) };
      entries.push(entry);
      this.byGvk.set(gvkKey(group, version, r.kind), entry);
      this.byPlural.set(gvkKey(group, version, r.plural), entry);
    }
    this.entries = entries;
  }
}

let builtinResolver: SchemaResolver | undefined;
const builtinIndexes = new Map<number | 'all', BuiltinIndex>();

/** The built-in index for a Kubernetes minor version (undefined: every version in the table); cached. */
function builtinIndex(minor?: number): BuiltinIndex {
  const key = minor ?? 'all';
  let index = builtinIndexes.get(key);
  if (!index) {
    builtinResolver ??= new SchemaResolver(withPostV121Fields(BUILTIN_TABLE.definitions), true);
    index = new BuiltinIndex(BUILTIN_TABLE, builtinResolver, minor);
    builtinIndexes.set(key, index);
  }
  return index;
}

function builtins(): BuiltinIndex {
  return builtinIndex();
}

/** Options of {@link createSchemaCatalog}. */
export interface SchemaCatalogOptions {
  /**
   * Serve only the built-in API versions a Kubernetes server of this version serves (`1.29`, `v1.32.3`):
   * e.g. no `extensions/v1beta1` from 1.22, no `policy/v1beta1` from 1.25, `autoscaling/v2` from 1.23.
   * Default: every version the table holds (1.21's plus the newer ones).
   */
  kubernetesVersion?: string;
}

/** Groups ranked for kubectl-style name resolution: core first, deprecated `extensions` after the rest. */
function groupRank(info: ResourceInfo, builtin: boolean): number {
  if (info.group === '') return 0;
  if (!builtin) return 3;
  return info.group === 'extensions' ? 2 : 1;
}

/** A mutable (or, for `builtinSchemas()`, frozen) schema registry. See the module comment. */
export class SchemaCatalog implements SchemaRegistry {
  private crds: Map<string, CrdRecord>;
  private crdByGvk: Map<string, Entry>;
  private crdByPlural: Map<string, Entry>;
  private all?: readonly ResourceInfo[];
  private changes = 0;
  private readonly base: BuiltinIndex;

  /** Use {@link createSchemaCatalog} or {@link builtinSchemas}. */
  constructor(
    private readonly frozen = false,
    from?: SchemaCatalog,
    base?: BuiltinIndex,
  ) {
    this.base = base ?? from?.base ?? builtins();
    this.crds = new Map(from?.crds);
    this.crdByGvk = new Map(from?.crdByGvk);
    this.crdByPlural = new Map(from?.crdByPlural);
  }

  /** Counts CRD additions and removals; callers cache derived data against it. */
  get generation(): number {
    return this.changes;
  }

  /** A mutable copy holding the same CRDs; later changes to either do not affect the other. */
  fork(): SchemaCatalog {
    return new SchemaCatalog(false, this);
  }

  private entry(gvk: GroupVersionKind): Entry | undefined {
    const key = gvkKey(gvk.group, gvk.version, gvk.kind);
    return this.base.byGvk.get(key) ?? this.crdByGvk.get(key);
  }

  forKind(gvk: GroupVersionKind): SchemaNode | undefined {
    return this.entry(gvk)?.node();
  }

  resource(gvk: GroupVersionKind): ResourceInfo | undefined {
    return this.entry(gvk)?.info;
  }

  /** True when the kind is a built-in (not CRD-defined) one. */
  isBuiltin(gvk: GroupVersionKind): boolean {
    return this.base.byGvk.has(gvkKey(gvk.group, gvk.version, gvk.kind));
  }

  /** Every served resource: built-ins in table order (by apiVersion, kind), then CRDs by name and version. */
  resources(): readonly ResourceInfo[] {
    if (!this.all) {
      const list = this.base.entries.map((e) => e.info);
      for (const name of [...this.crds.keys()].sort()) for (const e of this.crds.get(name)?.entries ?? []) list.push(e.info);
      this.all = Object.freeze(list);
    }
    return this.all;
  }

  /** The resource served at `/apis/<group>/<version>/<plural>` (core: group `''`), or undefined. */
  resourceByPlural(group: string, version: string, plural: string): ResourceInfo | undefined {
    const key = gvkKey(group, version, plural);
    return (this.base.byPlural.get(key) ?? this.crdByPlural.get(key))?.info;
  }

  /** The schema node of a built-in definition by name (e.g. {@link OBJECT_META_DEFINITION}). */
  definition(name: string): SchemaNode | undefined {
    return this.base.resolver.definition(name);
  }

  /** The served versions of a group and kind, highest priority (the preferred version) first. */
  versionsOf(group: string, kind: string): readonly ResourceInfo[] {
    return this.resources()
      .filter((r) => r.group === group && r.kind === kind)
      .sort((a, b) => compareVersionPriority(a.version, b.version));
  }

  /**
   * Resolves a name the way kubectl does: `deploy`, `deployments`, `deployment`, `Deployment`,
   * `deployments.apps`, `deployments.v1.apps`, `hpa.autoscaling`, case-insensitively against plural,
   * singular, kind and short names. Returns every match, best first: core group first, then built-in
   * groups (deprecated `extensions` last), then CRDs; within a group the preferred version first.
   */
  findResources(name: string): readonly ResourceInfo[] {
    const q = name.trim().toLowerCase();
    if (q === '') return [];
    const matches: { info: ResourceInfo; rank: number }[] = [];
    const consider = (info: ResourceInfo, builtin: boolean): void => {
      if (matchesName(info, q)) matches.push({ info, rank: groupRank(info, builtin) });
    };
    for (const e of this.base.entries) consider(e.info, true);
    for (const n of [...this.crds.keys()].sort()) for (const e of this.crds.get(n)?.entries ?? []) consider(e.info, false);
    matches.sort(
      (a, b) =>
        a.rank - b.rank ||
        (a.info.group < b.info.group ? -1 : a.info.group > b.info.group ? 1 : 0) ||
        compareVersionPriority(a.info.version, b.info.version),
    );
    return matches.map((m) => m.info);
  }

  /** The best match of {@link findResources}, or undefined. */
  findResource(name: string): ResourceInfo | undefined {
    return this.findResources(name)[0];
  }

  /** The served CRD version behind a kind, or undefined for built-ins and unknown kinds. */
  customResource(gvk: GroupVersionKind): CustomResourceVersion | undefined {
    return this.crdByGvk.get(gvkKey(gvk.group, gvk.version, gvk.kind))?.crd;
  }

  /** The `openAPIV3Schema` of a served CRD version (deep-frozen), or undefined. */
  crdSchema(gvk: GroupVersionKind): JsonObject | undefined {
    return this.customResource(gvk)?.schema;
  }

  /** Names of the CRDs held, sorted. */
  customResourceDefinitions(): readonly string[] {
    return [...this.crds.keys()].sort();
  }

  /**
   * Adds (or replaces, by `metadata.name`) a CustomResourceDefinition (apiextensions.k8s.io/v1 shape; the
   * v1beta1 top-level `version`/`validation`/`subresources` are read as fallbacks) and serves every
   * served version. Throws {@link SchemaError} when it is malformed, its name is not `<plural>.<group>`,
   * or it would shadow a built-in kind or another CRD's kind or plural. Returns the served resources.
   */
  addCustomResourceDefinition(crd: KubeObject): readonly ResourceInfo[] {
    this.assertMutable();
    const record = parseCrd(crd);
    this.checkConflicts(record);
    this.dropCrd(record.name);
    this.crds.set(record.name, record);
    for (const e of record.entries) {
      this.crdByGvk.set(gvkKey(e.info.group, e.info.version, e.info.kind), e);
      this.crdByPlural.set(gvkKey(e.info.group, e.info.version, e.info.plural), e);
    }
    this.touch();
    return record.entries.map((e) => e.info);
  }

  /** Removes a CRD by name (or by the object's `metadata.name`); false when it was not held. */
  removeCustomResourceDefinition(crd: string | KubeObject): boolean {
    this.assertMutable();
    const name = typeof crd === 'string' ? crd : crd.metadata.name ?? '';
    const removed = this.dropCrd(name);
    if (removed) this.touch();
    return removed;
  }

  private dropCrd(name: string): boolean {
    const old = this.crds.get(name);
    if (!old) return false;
    this.crds.delete(name);
    for (const e of old.entries) {
      this.crdByGvk.delete(gvkKey(e.info.group, e.info.version, e.info.kind));
      this.crdByPlural.delete(gvkKey(e.info.group, e.info.version, e.info.plural));
    }
    return true;
  }

  private checkConflicts(record: CrdRecord): void {
    for (const e of record.entries) {
      const { group, version, kind, plural } = e.info;
      const b = this.base;
      if (b.byGvk.has(gvkKey(group, version, kind)) || b.byPlural.has(gvkKey(group, version, plural))) {
        throw new SchemaError(SchemaErrorCode.conflict, `${group}/${version} ${kind} is a built-in kind`, record.name);
      }
      const other = this.crdByGvk.get(gvkKey(group, version, kind)) ?? this.crdByPlural.get(gvkKey(group, version, plural));
      if (other?.crd && other.crd.crdName !== record.name) {
        throw new SchemaError(SchemaErrorCode.conflict, `${group}/${version} ${kind} is already served by ${other.crd.crdName}`, record.name);
      }
    }
  }

  private assertMutable(): void {
    if (this.frozen) throw new SchemaError(SchemaErrorCode.immutable, 'the shared built-in catalog is immutable: use createSchemaCatalog() or fork()');
  }

  private touch(): void {
    this.all = undefined;
    this.changes++;
  }
}

function matchesName(info: ResourceInfo, q: string): boolean {
  const names = [info.plural, info.singular, info.kind.toLowerCase(), ...info.shortNames.map((s) => s.toLowerCase())];
  for (const n of names) {
    if (q === n) return true;
    if (!q.startsWith(n + '.')) continue;
    const rest = q.slice(n.length + 1);
    if (rest === info.group || rest === `${info.version}.${info.group}`) return true;
    if (info.group === '' && rest === info.version) return true;
  }
  return false;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

interface CrdVersionSpec {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: JsonObject;
  subresources: JsonObject;
}

function crdVersions(spec: JsonObject): CrdVersionSpec[] {
  const topSchema = isJsonObject(spec['validation']) ? spec['validation']['openAPIV3Schema'] : undefined;
  const topSub = isJsonObject(spec['subresources']) ? spec['subresources'] : {};
  const list = Array.isArray(spec['versions']) ? spec['versions'] : [];
  const out: CrdVersionSpec[] = [];
  for (const v of list) {
    if (!isJsonObject(v) || !str(v['name'])) continue;
    const s = isJsonObject(v['schema']) ? v['schema']['openAPIV3Schema'] : topSchema;
    out.push({
      name: v['name'] as string,
      served: v['served'] !== false,
      storage: v['storage'] === true,
      ...(isJsonObject(s) ? { schema: s } : {}),
      subresources: isJsonObject(v['subresources']) ? v['subresources'] : topSub,
    });
  }
  if (out.length === 0 && str(spec['version'])) {
    out.push({ name: spec['version'] as string, served: true, storage: true, ...(isJsonObject(topSchema) ? { schema: topSchema } : {}), subresources: topSub });
  }
  return out;
}

function parseCrd(crd: KubeObject): CrdRecord {
  const name = crd.metadata?.name ?? '';
  const bad = (msg: string): SchemaError => new SchemaError(SchemaErrorCode.invalidCrd, msg, name || '(unnamed)');
  const spec = crd['spec'];
  if (!isJsonObject(spec)) throw bad('spec is missing');
  const group = str(spec['group']);
  const names = isJsonObject(spec['names']) ? spec['names'] : undefined;
  const kind = str(names?.['kind']);
  const plural = str(names?.['plural']);
  if (!group || !kind || !plural) throw bad('spec.group, spec.names.kind and spec.names.plural are required');
  if (name !== `${plural}.${group}`) throw bad(`metadata.name must be "${plural}.${group}"`);
  const scope = spec['scope'];
  if (scope !== 'Namespaced' && scope !== 'Cluster') throw bad('spec.scope must be Namespaced or Cluster');
  const versions = crdVersions(spec);
  if (versions.length === 0) throw bad('spec.versions is empty');
  const base = {
    group,
    kind,
    plural,
    singular: str(names?.['singular']) ?? kind.toLowerCase(),
    namespaced: scope === 'Namespaced',
    shortNames: strings(names?.['shortNames']),
    categories: strings(names?.['categories']),
    verbs: CUSTOM_RESOURCE_VERBS,
  };
  const entries: Entry[] = [];
  for (const v of versions.filter((x) => x.served)) {
    const subresources = ['status', 'scale'].filter((s) => isJsonObject(v.subresources[s]));
    const info: ResourceInfo = freezeDeep({ ...base, version: v.name, shortNames: [...base.shortNames], categories: [...base.categories], subresources });
    const schema = v.schema ? freezeDeep(structuredClone(v.schema)) : undefined;
    const cr: CustomResourceVersion = freezeDeep({
      crdName: name,
      info,
      served: v.served,
      storage: v.storage,
      ...(schema ? { schema } : {}),
      subresources: structuredClone(v.subresources),
    });
    let node: SchemaNode | null | undefined;
    entries.push({ info, crd: cr, node: () => (node ??= customResourceNode(schema)) });
  }
  return { name, group, kind, entries };
}

let objectFields: ReadonlyMap<string, SchemaNode> | undefined;
/** apiVersion, kind and metadata (ObjectMeta): the fields every object has whatever its schema says. */
function objectMetaFields(): ReadonlyMap<string, SchemaNode> {
  if (!objectFields) {
    const b = builtins().resolver;
    const str = b.node({ type: 'string' });
    const meta = b.definition(OBJECT_META_DEFINITION);
    if (!str || !meta) throw new Error(`generated schema table lacks ${OBJECT_META_DEFINITION}`);
    objectFields = new Map([
      ['apiVersion', str],
      ['kind', str],
      ['metadata', meta],
    ]);
  }
  return objectFields;
}

/**
 * The schema node of a CRD version's root: the `openAPIV3Schema` (no schema: preserve unknown fields)
 * with apiVersion, kind and metadata always present; embedded resources get the same three fields.
 */
export function customResourceNode(schema: JsonObject | undefined): SchemaNode {
  const resolver = new CrdResolver();
  const raw: RawSchema = schema ? (schema as RawSchema) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return new RawSchemaNode({ raw, resolver, extraFields: objectMetaFields() });
}

/** CRD schemas have no `$ref`s; embedded resources get the object fields. */
class CrdResolver extends SchemaResolver {
  constructor() {
    super({}, false);
  }

  override node(raw: RawSchema): SchemaNode | undefined {
    if (raw['x-kubernetes-embedded-resource'] === true) return new RawSchemaNode({ raw, resolver: this, extraFields: objectMetaFields() });
    return new RawSchemaNode({ raw, resolver: this });
  }
}

let shared: SchemaCatalog | undefined;

/** The shared immutable catalog of built-in kinds (built once; adding CRDs to it throws). */
export function builtinSchemas(): SchemaCatalog {
  shared ??= new SchemaCatalog(true);
  return shared;
}

/**
 * A new mutable catalog: built-in kinds (optionally only those a given Kubernetes version serves) plus
 * whatever CRDs are added to it. Throws {@link SchemaError} for a `kubernetesVersion` that is not 1.x.
 */
export function createSchemaCatalog(opts: SchemaCatalogOptions = {}): SchemaCatalog {
  if (opts.kubernetesVersion === undefined) return new SchemaCatalog(false);
  const minor = kubernetesMinor(opts.kubernetesVersion);
  if (minor === undefined) throw new SchemaError(SchemaErrorCode.invalidVersion, `unsupported Kubernetes version ${JSON.stringify(opts.kubernetesVersion)}`);
  return new SchemaCatalog(false, undefined, builtinIndex(minor));
}
