/**
 * The registry of Lockstep's kinds: names, scope, printer columns and schema per kind; the CRD
 * generator and the local cluster read it.
 */
import { gitRepositoryKind, gitRepositorySchema, gitRepositoryVersion, sourceGroup } from './gitrepository.js';
import { kustomizationKind, kustomizationSchema, kustomizationVersion, kustomizeGroup } from './kustomization.js';
import type { Schema } from './schema.js';

/** A printer column of `kubectl get`. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
}

/** What the CRD generator needs to know of a kind. */
export interface KindDefinition {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  scope: 'Namespaced' | 'Cluster';
  printerColumns: PrinterColumn[];
  schema: () => Schema;
  /** Extra metadata annotations on the CRD. */
  annotations?: Record<string, string>;
}

const readyColumns: PrinterColumn[] = [
  { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
  { jsonPath: '.status.conditions[?(@.type=="Ready")].status', name: 'Ready', type: 'string' },
  { jsonPath: '.status.conditions[?(@.type=="Ready")].message', name: 'Status', type: 'string' },
];

/** GitRepository v1. */
export const gitRepositoryDefinition: KindDefinition = {
  group: sourceGroup,
  version: gitRepositoryVersion,
  kind: gitRepositoryKind,
  listKind: 'GitRepositoryList',
  plural: 'gitrepositories',
  singular: 'gitrepository',
  shortNames: ['gitrepo'],
  categories: ['all', 'fluxcd', 'fluxcd-sources'],
  scope: 'Namespaced',
  printerColumns: [{ jsonPath: '.spec.url', name: 'URL', type: 'string' }, ...readyColumns],
  schema: gitRepositorySchema,
  annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' },
};

/** Kustomization v1. */
export const kustomizationDefinition: KindDefinition = {
  group: kustomizeGroup,
  version: kustomizationVersion,
  kind: kustomizationKind,
  listKind: 'KustomizationList',
  plural: 'kustomizations',
  singular: 'kustomization',
  shortNames: ['ks'],
  categories: ['all', 'fluxcd', 'fluxcd-appliers'],
  scope: 'Namespaced',
  printerColumns: readyColumns,
  schema: kustomizationSchema,
  annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' },
};

/** Every kind Lockstep defines, in CRD output order. Other helpers add theirs here. */
export const kindDefinitions: readonly KindDefinition[] = [gitRepositoryDefinition, kustomizationDefinition];
