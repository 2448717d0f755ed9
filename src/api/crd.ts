/**
 * The CRD generator: a CustomResourceDefinition (`apiextensions.k8s.io/v1`) per kind of
 * {@link kindDefinitions}, with the status subresource, printer columns and the kind's schema.
 */
import { stringify } from 'yaml';
import type { JsonObject } from '../kube/object.js';
import { type KindDefinition, kindDefinitions } from './kinds.js';

/** The CRD object of one kind. */
export function crdFor(def: KindDefinition): JsonObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${def.group}`,
      annotations: { ...(def.annotations ?? {}) },
      labels: { 'app.kubernetes.io/part-of': 'lockstep' },
    },
    spec: {
      group: def.group,
      names: {
        categories: def.categories,
        kind: def.kind,
        listKind: def.listKind,
        plural: def.plural,
        shortNames: def.shortNames,
        singular: def.singular,
      },
      scope: def.scope,
      versions: [
        {
          additionalPrinterColumns: def.printerColumns.map((c) => ({ jsonPath: c.jsonPath, name: c.name, type: c.type })),
          name: def.version,
          schema: { openAPIV3Schema: def.schema() },
          served: true,
          storage: true,
          subresources: { status: {} },
        },
      ],
    },
  };
}

/** Every CRD. */
export function allCrds(defs: readonly KindDefinition[] = kindDefinitions): JsonObject[] {
  return defs.map(crdFor);
}

/** Every CRD as one multi-document YAML stream. */
export function crdsYaml(defs: readonly KindDefinition[] = kindDefinitions): string {
  return allCrds(defs)
    .map((c) => '---\n' + stringify(c, { lineWidth: 0 }))
    .join('');
}
