/**
 * The shape of the generated built-in schema table (`builtin.generated.ts`), shared by the generator
 * (`scripts/gen-schema.ts`) and the runtime catalog. Schema nodes are OpenAPI schema objects stripped to
 * the keys that matter for structure and merging (no descriptions); `$ref` holds a bare definition name.
 * The same node vocabulary is used for CRD `openAPIV3Schema` nodes, so one runtime reads both.
 */

/** A stripped OpenAPI / JSON-schema node. Unknown keys are ignored by the runtime. */
export interface RawSchema {
  type?: string;
  format?: string;
  /** A definition name (the `#/definitions/` prefix removed) in the generated table. */
  $ref?: string;
  properties?: Readonly<Record<string, RawSchema>>;
  additionalProperties?: RawSchema | boolean;
  items?: RawSchema;
  required?: readonly string[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: readonly string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

/** One built-in resource as the generated table records it. */
export interface BuiltinResource {
  /** `group/version`, or `v1` for the core group. */
  apiVersion: string;
  kind: string;
  /** Definition name of the object's schema. */
  definition: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly string[];
  subresources: readonly string[];
}

/** The whole generated table. */
export interface BuiltinTable {
  /** Where the definitions came from (file name and sha256 of the decompressed spec). */
  source: string;
  definitions: Readonly<Record<string, RawSchema>>;
  resources: readonly BuiltinResource[];
}
