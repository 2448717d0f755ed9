/**
 * The schema interface every schema-aware part of Lockstep uses: the merge engine (strategic merge
 * patch and server-side apply), the local cluster (validation, defaults, discovery) and the kustomize
 * engine. Built-in kinds come from a table generated from Kubernetes' OpenAPI v2 definitions; CRDs plug
 * in at run time from their `openAPIV3Schema`.
 */
import type { GroupVersionKind } from '../object.js';

/** How a list merges: `atomic` replaced whole, `set` of scalars, `map` keyed by `listMapKeys`. */
export type ListType = 'atomic' | 'set' | 'map';
/** How a map or struct merges: `granular` per key, `atomic` replaced whole. */
export type MapType = 'atomic' | 'granular';
/** One value of `x-kubernetes-patch-strategy` (it may hold several, comma separated). */
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys';
/** Scalar types as OpenAPI names them, plus Kubernetes' int-or-string. */
export type ScalarType = 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'any';

/**
 * A node of a resolved schema tree. Nodes are navigated lazily (recursive types such as JSONSchemaProps
 * are fine): `field()` and `items()` resolve references on demand.
 */
export interface SchemaNode {
  /**
   * `struct`: an object with known fields (maybe also `additionalProperties`);
   * `map`: an object whose values all share one schema (`additionalProperties`);
   * `list`: an array; `scalar`: a leaf; `untyped`: anything (RawExtension, preserve-unknown-fields, unknown).
   */
  readonly kind: 'struct' | 'map' | 'list' | 'scalar' | 'untyped';
  /** For scalars, the type. */
  readonly scalar?: ScalarType;
  /** Schema of a named field (struct) or of any value (map); undefined when the field is unknown. */
  field(name: string): SchemaNode | undefined;
  /** Names of the known fields of a struct, in schema order. */
  fieldNames(): readonly string[];
  /** Schema of the items of a list. */
  items(): SchemaNode | undefined;
  /** Lists: `x-kubernetes-list-type`, or what the patch strategy implies when it is absent. */
  readonly listType?: ListType;
  /** Lists of type `map`: `x-kubernetes-list-map-keys`, or `[patchMergeKey]`. */
  readonly listMapKeys?: readonly string[];
  /** `x-kubernetes-patch-strategy`, split on commas (strategic merge patch only). */
  readonly patchStrategies?: readonly PatchStrategy[];
  /** `x-kubernetes-patch-merge-key` (strategic merge patch only). */
  readonly patchMergeKey?: string;
  /** Structs and maps: `x-kubernetes-map-type` (granular when absent). */
  readonly mapType?: MapType;
  /** `x-kubernetes-preserve-unknown-fields` on a struct. */
  readonly preserveUnknownFields?: boolean;
  /** True when `x-kubernetes-int-or-string` or format int-or-string. */
  readonly intOrString?: boolean;
  /** The OpenAPI definition name this node came from, when it came from one (for errors, explain). */
  readonly definition?: string;
  /**
   * The OpenAPI `format` (`int32`, `int64`, `double`, `byte`, `date-time`, `int-or-string`…), and
   * `quantity` for `resource.Quantity`, whose scalar type is `any`: the spec says string, but the API
   * server accepts numbers too (`cpu: 1`).
   */
  readonly format?: string;
  /** Structs: the `required` field names. */
  readonly required?: readonly string[];
  /** `x-kubernetes-embedded-resource`: the value is a whole object (apiVersion, kind, metadata added). */
  readonly embeddedResource?: boolean;
}

/** What discovery says of a resource. */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, the URL segment (`deployments`). */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly string[];
  /** Subresources served, e.g. `status`, `scale`. */
  subresources: readonly string[];
}

/** Where schemas come from: built-in kinds plus any CRDs added at run time. */
export interface SchemaRegistry {
  /** The schema of a whole object of this kind, or undefined when the kind is unknown. */
  forKind(gvk: GroupVersionKind): SchemaNode | undefined;
  /** Discovery facts of a kind, or undefined when unknown. */
  resource(gvk: GroupVersionKind): ResourceInfo | undefined;
  /** Every kind known, built-in and CRD-defined. */
  resources(): readonly ResourceInfo[];
}
