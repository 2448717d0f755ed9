/**
 * GitRepository, `source.toolkit.fluxcd.io/v1`: types, schema (structurally equal to Flux's CRD),
 * defaults and the spec checks the controller makes beyond the schema.
 */
import type { KubeObject } from '../kube/object.js';
import { durationPattern, parseDuration, timeoutPattern } from './duration.js';
import { type Artifact, type Condition, type LocalObjectReference, artifactSchema, conditionSchema, localObjectReferenceSchema, objectRootProperties } from './meta.js';
import { s, type Schema } from './schema.js';

/** API group of the source kinds. */
export const sourceGroup = 'source.toolkit.fluxcd.io';
/** Served and stored version. */
export const gitRepositoryVersion = 'v1';
/** Kind name. */
export const gitRepositoryKind = 'GitRepository';
/** `apiVersion` value. */
export const gitRepositoryApiVersion = `${sourceGroup}/${gitRepositoryVersion}`;

/** `spec.ref`. */
export interface GitRepositoryRef {
  branch?: string;
  tag?: string;
  semver?: string;
  name?: string;
  commit?: string;
}

/** `spec.include[]`. */
export interface GitRepositoryInclude {
  repository: LocalObjectReference;
  fromPath?: string;
  toPath?: string;
}

/** `spec.verify`. */
export interface GitRepositoryVerification {
  mode?: 'head' | 'HEAD' | 'Tag' | 'TagAndHEAD';
  secretRef: LocalObjectReference;
}

/** `spec`. */
export interface GitRepositorySpec {
  url: string;
  interval: string;
  timeout?: string;
  ref?: GitRepositoryRef;
  secretRef?: LocalObjectReference;
  provider?: 'generic' | 'aws' | 'azure' | 'github';
  serviceAccountName?: string;
  proxySecretRef?: LocalObjectReference;
  verify?: GitRepositoryVerification;
  ignore?: string;
  include?: GitRepositoryInclude[];
  recurseSubmodules?: boolean;
  sparseCheckout?: string[];
  suspend?: boolean;
}

/** `status`. */
export interface GitRepositoryStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  artifact?: Artifact;
  includedArtifacts?: Artifact[];
  lastHandledReconcileAt?: string;
  observedIgnore?: string;
  observedRecurseSubmodules?: boolean;
  observedInclude?: GitRepositoryInclude[];
  observedSparseCheckout?: string[];
  sourceVerificationMode?: string;
}

/** A GitRepository object. */
export interface GitRepository extends KubeObject {
  spec: GitRepositorySpec;
  status?: GitRepositoryStatus;
}

function includeSchema(): Schema {
  return s.object(
    {
      fromPath: s.string({ description: 'Path in the included artifact to copy from (default: its root).' }),
      repository: localObjectReferenceSchema('The GitRepository whose artifact is included.'),
      toPath: s.string({ description: 'Path to copy to (default: the name of the repository).' }),
    },
    { description: 'Another GitRepository whose artifact contents are copied into this one.', required: ['repository'] },
  );
}

function specSchema(): Schema {
  return s.object(
    {
      ignore: s.string({ description: 'Exclusion patterns in .sourceignore (gitignore) syntax, applied after the defaults.' }),
      include: s.array(includeSchema(), { description: 'GitRepositories whose artifacts are included.' }),
      interval: s.string({ description: 'How often the remote is checked for changes.', pattern: durationPattern }),
      provider: s.string({ description: 'Authentication provider; generic unless set.', enum: ['generic', 'aws', 'azure', 'github'] }),
      proxySecretRef: localObjectReferenceSchema('Secret with the proxy configuration.'),
      recurseSubmodules: s.boolean({ description: 'Also check out submodules.' }),
      ref: s.object(
        {
          branch: s.string({ description: 'Branch to check out (master when nothing else is set).' }),
          commit: s.string({ description: 'Commit to check out; wins over every other field. With branch, the branch is cloned to find it.' }),
          name: s.string({ description: 'Full reference name (refs/...); wins over branch, tag and semver.' }),
          semver: s.string({ description: 'SemVer range over tags; wins over tag.' }),
          tag: s.string({ description: 'Tag to check out; wins over branch.' }),
        },
        { description: 'The git reference to follow.' },
      ),
      secretRef: localObjectReferenceSchema('Secret with credentials: username/password, bearerToken, or identity and known_hosts for SSH.'),
      serviceAccountName: s.string({ description: 'ServiceAccount for the azure and aws providers.' }),
      sparseCheckout: s.array(s.string(), { description: 'Only these directories are checked out.' }),
      suspend: s.boolean({ description: 'Stops reconciling this object.' }),
      timeout: s.string({ description: 'Deadline of git operations.', default: '60s', pattern: timeoutPattern }),
      url: s.string({ description: 'Repository URL (http, https or ssh).', pattern: '^(http|https|ssh)://.*$' }),
      verify: s.object(
        {
          mode: s.string({ description: 'Which objects to verify.', default: 'HEAD', enum: ['head', 'HEAD', 'Tag', 'TagAndHEAD'] }),
          secretRef: localObjectReferenceSchema('Secret with trusted public keys (*.asc, *.sshpub).'),
        },
        { description: 'Signature verification of commits or tags.', required: ['secretRef'] },
      ),
    },
    {
      description: 'What to fetch and how.',
      required: ['interval', 'url'],
      validations: [
        {
          message: "serviceAccountName can only be set when provider is 'azure' or 'aws'",
          rule: "!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))",
        },
      ],
    },
  );
}

function statusSchema(): Schema {
  return s.object(
    {
      artifact: artifactSchema('The artifact of the last successful reconciliation.'),
      conditions: s.array(conditionSchema(), { description: 'Conditions of the object.' }),
      includedArtifacts: s.array(artifactSchema('An included artifact.'), { description: 'Artifacts included at the last success.' }),
      lastHandledReconcileAt: s.string({ description: 'Last handled value of the reconcile request annotation.' }),
      observedGeneration: s.integer({ description: 'Last generation reconciled.', format: 'int64' }),
      observedIgnore: s.string({ description: 'Ignore patterns used for the current artifact.' }),
      observedInclude: s.array(includeSchema(), { description: 'Includes used for the current artifact.' }),
      observedRecurseSubmodules: s.boolean({ description: 'Submodule setting used for the current artifact.' }),
      observedSparseCheckout: s.array(s.string(), { description: 'Sparse checkout used for the current artifact.' }),
      sourceVerificationMode: s.string({ description: 'Verification mode last used.' }),
    },
    { description: 'Observed state.', default: { observedGeneration: -1 } },
  );
}

/** The `openAPIV3Schema` of GitRepository v1. */
export function gitRepositorySchema(): Schema {
  return s.object({ ...objectRootProperties(), spec: specSchema(), status: statusSchema() }, { description: 'A git repository to fetch and publish as an artifact.' });
}

/** Default `timeout`. */
export const defaultGitTimeout = '60s';

/** The spec with defaults applied (timeout 60s, ref branch master when no ref field is set). */
export function gitRepositorySpecWithDefaults(spec: GitRepositorySpec): GitRepositorySpec & { timeout: string; ref: GitRepositoryRef } {
  const ref = spec.ref && Object.values(spec.ref).some((v) => v !== undefined && v !== '') ? spec.ref : { branch: 'master' };
  return { ...spec, timeout: spec.timeout ?? defaultGitTimeout, ref };
}

/** A problem found in a spec, with the field path. */
export interface SpecProblem {
  field: string;
  message: string;
}

/**
 * Checks the parts of a spec the schema cannot (or that a server without validation let through):
 * required fields, durations, URL scheme, include paths, features Lockstep does not implement.
 */
export function checkGitRepositorySpec(spec: Partial<GitRepositorySpec> | undefined): SpecProblem[] {
  const out: SpecProblem[] = [];
  if (!spec || typeof spec !== 'object') return [{ field: 'spec', message: 'required' }];
  if (typeof spec.url !== 'string' || !/^(http|https|ssh):\/\/.+/.test(spec.url)) out.push({ field: 'spec.url', message: 'must be an http, https or ssh URL' });
  if (typeof spec.interval !== 'string' || parseDuration(spec.interval) === undefined) out.push({ field: 'spec.interval', message: 'must be a duration such as 1m or 30s' });
  if (spec.timeout !== undefined && (parseDuration(spec.timeout) === undefined || !new RegExp(timeoutPattern).test(spec.timeout))) out.push({ field: 'spec.timeout', message: 'must be a duration such as 60s' });
  if (spec.provider !== undefined && spec.provider !== 'generic') out.push({ field: 'spec.provider', message: `provider ${spec.provider} is not supported by Lockstep (only generic)` });
  if (spec.verify !== undefined) out.push({ field: 'spec.verify', message: 'commit signature verification is not supported by Lockstep yet' });
  if (spec.proxySecretRef !== undefined) out.push({ field: 'spec.proxySecretRef', message: 'proxies are not supported by Lockstep yet' });
  (spec.include ?? []).forEach((inc, i) => {
    if (!inc?.repository?.name) out.push({ field: `spec.include[${i}].repository.name`, message: 'required' });
    for (const key of ['fromPath', 'toPath'] as const) {
      const p = inc?.[key];
      if (p !== undefined && (p.startsWith('/') || p.split('/').includes('..'))) out.push({ field: `spec.include[${i}].${key}`, message: 'must be a relative path without ".."' });
    }
  });
  return out;
}
