/**
 * Lazily resolved {@link SchemaNode}s over stripped OpenAPI schemas ({@link RawSchema}): the built-in
 * definitions (with `$ref`s into the generated table) and CRD `openAPIV3Schema` trees share this code.
 *
 * List semantics follow what structured-merge-diff derives from OpenAPI for built-in types: an explicit
 * `x-kubernetes-list-type` wins; else patch strategy `merge` with a merge key makes a `map` list keyed by
 * `[mergeKey]` (unless `x-kubernetes-list-map-keys` says more); `merge` without a key makes a `set`;
 * anything else is `atomic`.
 */
import type { ListType, MapType, PatchStrategy, ScalarType, SchemaNode } from './types.js';
import type { RawSchema } from './table.js';

/** Resolves `$ref`s and holds the per-table node cache. */
export class SchemaResolver {
  private readonly defNodes = new Map<string, SchemaNode | null>();

  constructor(
    /** Definitions by name (`$ref` targets). */
    readonly definitions: Readonly<Record<string, RawSchema>>,
    /**
     * True for built-in OpenAPI v2 definitions, where `type: object` with neither properties nor
     * additionalProperties (RawExtension, FieldsV1, Patch) means arbitrary JSON; false for CRD schemas,
     * where such an object keeps no fields (everything is pruned).
     */
    readonly emptyObjectIsUntyped: boolean,
  ) {}

  /** The node of a definition, shared by every reference to it; undefined when unknown. */
  definition(name: string): SchemaNode | undefined {
    const cached = this.defNodes.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const raw = this.definitions[name];
    const node = raw ? new RawSchemaNode({ raw, resolver: this, definition: name }) : null;
    this.defNodes.set(name, node);
    return node ?? undefined;
  }

  /** The node for a schema that may be a `$ref` (with sibling extensions overriding the target's). */
  node(raw: RawSchema): SchemaNode | undefined {
    const ref = raw.$ref;
    if (typeof ref !== 'string') return new RawSchemaNode({ raw, resolver: this });
    if (Object.keys(raw).length === 1) return this.definition(ref);
    const target = this.definitions[ref];
    if (!target) return undefined;
    const merged: RawSchema = { ...target, ...raw };
    delete merged.$ref;
    return new RawSchemaNode({ raw: merged, resolver: this, definition: ref });
  }
}

/** Options of {@link RawSchemaNode}. */
export interface RawSchemaNodeOptions {
  raw: RawSchema;
  resolver: SchemaResolver;
  /** The definition name this node came from. */
  definition?: string;
  /**
   * Fields that exist besides the schema's properties, listed first and winning over same-named
   * properties (CRD roots and embedded resources: apiVersion, kind, metadata).
   */
  extraFields?: ReadonlyMap<string, SchemaNode>;
}

type NodeKind = SchemaNode['kind'];

const SCALAR_TYPES: ReadonlyMap<string, ScalarType> = new Map([
  ['string', 'string'],
  ['integer', 'integer'],
  ['number', 'number'],
  ['boolean', 'boolean'],
]);

function isRaw(v: unknown): v is RawSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

function classify(raw: RawSchema, emptyObjectIsUntyped: boolean, hasExtra: boolean): NodeKind {
  if (raw['x-kubernetes-int-or-string'] === true || raw.format === 'int-or-string') return 'scalar';
  const t = raw.type;
  if (t === 'array') return 'list';
  if (typeof t === 'string' && SCALAR_TYPES.has(t)) return 'scalar';
  if (isRaw(raw.properties) || hasExtra) return 'struct';
  if (isRaw(raw.additionalProperties) || raw.additionalProperties === true) return 'map';
  if (t === 'object' && !emptyObjectIsUntyped && raw['x-kubernetes-preserve-unknown-fields'] !== true) return 'struct';
  return 'untyped';
}

const UNTYPED_RAW: RawSchema = {};

/** Definition name of resource.Quantity (`500m`, `1Gi`, or a number). */
export const QUANTITY_DEFINITION = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

function scalarType(raw: RawSchema): ScalarType {
  if (raw['x-kubernetes-int-or-string'] === true || raw.format === 'int-or-string') return 'int-or-string';
  return SCALAR_TYPES.get(raw.type ?? '') ?? 'any';
}

function listTypeOf(raw: RawSchema, strategies: readonly PatchStrategy[] | undefined, mergeKey: string | undefined): ListType {
  const explicit = raw['x-kubernetes-list-type'];
  if (explicit === 'atomic' || explicit === 'set' || explicit === 'map') return explicit;
  const merge = strategies?.includes('merge') ?? false;
  if (merge && mergeKey !== undefined) return 'map';
  return merge ? 'set' : 'atomic';
}

/** A schema node over one {@link RawSchema}. */
export class RawSchemaNode implements SchemaNode {
  // Optional facts are `declare`d so that absent ones are absent, not own properties set to undefined.
  readonly kind: NodeKind;
  declare readonly scalar?: ScalarType;
  declare readonly listType?: ListType;
  declare readonly listMapKeys?: readonly string[];
  declare readonly patchStrategies?: readonly PatchStrategy[];
  declare readonly patchMergeKey?: string;
  declare readonly mapType?: MapType;
  declare readonly preserveUnknownFields?: boolean;
  declare readonly intOrString?: boolean;
  declare readonly embeddedResource?: boolean;
  declare readonly format?: string;
  declare readonly required?: readonly string[];
  declare readonly definition?: string;

  // ECMAScript private fields: kept out of util.inspect output and structural comparisons.
  readonly #raw: RawSchema;
  readonly #resolver: SchemaResolver;
  readonly #extraFields?: ReadonlyMap<string, SchemaNode>;
  readonly #children = new Map<string, SchemaNode | null>();
  #itemsNode?: SchemaNode | null;
  #names?: readonly string[];

  constructor(opts: RawSchemaNodeOptions) {
    const { raw, resolver } = opts;
    this.#raw = raw;
    this.#resolver = resolver;
    this.#extraFields = opts.extraFields;
    if (opts.definition !== undefined) this.definition = opts.definition;
    this.kind = classify(raw, resolver.emptyObjectIsUntyped, (opts.extraFields?.size ?? 0) > 0);
    if (typeof raw.format === 'string') this.format = raw.format;
    const required = stringList(raw.required);
    if (required) this.required = required;
    if (raw['x-kubernetes-embedded-resource'] === true) this.embeddedResource = true;
    const strategies = typeof raw['x-kubernetes-patch-strategy'] === 'string' ? raw['x-kubernetes-patch-strategy'] : undefined;
    if (strategies) this.patchStrategies = strategies.split(',').map((s) => s.trim()) as PatchStrategy[];
    const mergeKey = raw['x-kubernetes-patch-merge-key'];
    if (typeof mergeKey === 'string') this.patchMergeKey = mergeKey;
    if (raw['x-kubernetes-preserve-unknown-fields'] === true) this.preserveUnknownFields = true;
    if (opts.definition === QUANTITY_DEFINITION) {
      // The spec says `type: string`, but the API server decodes numbers too (`cpu: 1`); structured-merge-diff
      // treats Quantity as an untyped scalar.
      this.scalar = 'any';
      this.format = 'quantity';
    } else if (this.kind === 'scalar') {
      this.scalar = scalarType(raw);
      if (this.scalar === 'int-or-string') this.intOrString = true;
    } else if (this.kind === 'list') {
      this.listType = listTypeOf(raw, this.patchStrategies, this.patchMergeKey);
      if (this.listType === 'map') {
        const keys = stringList(raw['x-kubernetes-list-map-keys']);
        if (keys && keys.length > 0) this.listMapKeys = keys;
        else if (this.patchMergeKey !== undefined) this.listMapKeys = [this.patchMergeKey];
      }
    } else if (this.kind === 'struct' || this.kind === 'map') {
      this.mapType = raw['x-kubernetes-map-type'] === 'atomic' ? 'atomic' : 'granular';
    }
  }

  field(name: string): SchemaNode | undefined {
    if (this.kind !== 'struct' && this.kind !== 'map') return undefined;
    const cached = this.#children.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const node = this.resolveField(name) ?? null;
    this.#children.set(name, node);
    return node ?? undefined;
  }

  private resolveField(name: string): SchemaNode | undefined {
    const extra = this.#extraFields?.get(name);
    if (extra) return extra;
    const props = this.#raw.properties;
    if (isRaw(props) && Object.prototype.hasOwnProperty.call(props, name)) {
      const sub = props[name];
      return isRaw(sub) ? this.#resolver.node(sub) : undefined;
    }
    const ap = this.#raw.additionalProperties;
    if (isRaw(ap)) return this.#resolver.node(ap);
    if (ap === true) return this.#resolver.node(UNTYPED_RAW);
    return undefined;
  }

  fieldNames(): readonly string[] {
    if (this.#names) return this.#names;
    const names: string[] = [];
    if (this.kind === 'struct') {
      if (this.#extraFields) names.push(...this.#extraFields.keys());
      const props = this.#raw.properties;
      if (isRaw(props)) for (const n of Object.keys(props)) if (!this.#extraFields?.has(n)) names.push(n);
    }
    this.#names = Object.freeze(names);
    return this.#names;
  }

  items(): SchemaNode | undefined {
    if (this.kind !== 'list') return undefined;
    if (this.#itemsNode === undefined) {
      const it = this.#raw.items;
      this.#itemsNode = (isRaw(it) ? this.#resolver.node(it) : this.#resolver.node(UNTYPED_RAW)) ?? null;
    }
    return this.#itemsNode ?? undefined;
  }
}
