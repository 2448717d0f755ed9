/**
 * The local cluster's admission chain (D2), in the order {@link defaultAdmissionPlugins} returns it:
 * built-in defaults (and Service IP allocation, Secret stringData folding), dropping fields of built-in kinds the
 * served schema does not know, custom resources against their CRD's structural schema (defaults, pruning,
 * validation incl. a CEL subset), built-in validation (ObjectMeta, immutable and required fields, 422 with the
 * API server's causes) and — with `rbac` — RBAC escalation prevention.
 *
 * `fieldValidation` and warnings: the server may pass `fieldValidation` ('Ignore' | 'Warn' | 'Strict', default
 * Warn as the API server) and a `warnings: string[]` array on the request object (see
 * {@link AdmissionRequestExtras}); pruned unknown fields of custom resources are then rejected (Strict, 400
 * BadRequest "strict decoding error: unknown field …") or reported as `unknown field "spec.x"` warnings (Warn).
 */
import type { JsonObject, KubeObject } from '../../kube/object.js';
import { ApiError, invalid, StatusReason } from '../errors.js';
import type { AdmissionPlugin, AdmissionRequest } from '../plugins.js';
import { rbacEscalationPlugin } from '../rbac/escalation.js';
import type { RbacAuthorizer } from '../rbac/authorizer.js';
import { applyDefaults, crdVersionSchema, pruneUnknownFields, validateCustomResource } from './crd/index.js';
import { applyBuiltinDefaults } from './defaults/index.js';
import { errorBody, type FieldError } from './field-errors.js';
import { pruneBuiltinUnknownFields } from './prune-builtin.js';
import { base64ErrorOffset, validateBuiltin } from './validation/index.js';

export { applyBuiltinDefaults, allocateClusterIP, defaultPullPolicy, type DefaultingContext } from './defaults/index.js';
export { validateBuiltin } from './validation/index.js';
export { pruneBuiltinUnknownFields } from './prune-builtin.js';
export { applyDefaults as applyCustomResourceDefaults, pruneUnknownFields, validateCustomResource, crdVersionSchema } from './crd/index.js';
export { FieldErrorType, fieldErr, errorBody, formatFieldError, aggregateMessage, invalidMessage, type FieldError } from './field-errors.js';

/** Optional extras the server may put on an {@link AdmissionRequest}. */
export interface AdmissionRequestExtras {
  /** `fieldValidation` query parameter (default Warn). */
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
  /** Warnings to return in `Warning:` headers; plugins push to it. */
  warnings?: string[];
}

/** Converts field errors to the API server's 422 Invalid (de-duplicated, in order). */
export function invalidError(req: Pick<AdmissionRequest, 'resource' | 'object' | 'oldObject' | 'name'>, errs: readonly FieldError[]): ApiError {
  const seen = new Set<string>();
  const causes = [];
  for (const e of errs) {
    const message = errorBody(e);
    const k = `${e.field}\u0000${message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    causes.push({ reason: e.type, message, field: e.field });
  }
  const name = req.object?.metadata.name ?? req.oldObject?.metadata.name ?? req.name ?? '';
  return invalid({ group: req.resource.group, plural: req.resource.plural, kind: req.resource.kind, name }, causes);
}

function isWrite(req: AdmissionRequest): req is AdmissionRequest & { object: KubeObject } {
  return (req.operation === 'CREATE' || req.operation === 'UPDATE') && req.object !== undefined;
}

/** Fills built-in defaults (and allocates Service IPs) on create and update. */
export function builtinDefaultsPlugin(): AdmissionPlugin {
  return {
    name: 'BuiltinDefaults',
    mutate(req) {
      if (!isWrite(req) || req.subresource === 'scale') return;
      const operation = req.operation === 'CREATE' ? 'CREATE' : 'UPDATE';
      applyBuiltinDefaults(req.object, { operation, oldObject: req.oldObject, allocate: true });
    },
  };
}

/** Secret `data` values must be base64: a 400 like the API server's decoding error otherwise. */
function checkSecretData(secret: KubeObject): void {
  const data = secret.data as JsonObject | undefined;
  if (!data || typeof data !== 'object') return;
  for (const v of Object.values(data)) {
    const off = typeof v === 'string' ? base64ErrorOffset(v) : 0;
    if (off !== undefined) throw new ApiError(400, StatusReason.badRequest, `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${off}`);
  }
}

/**
 * Drops fields the served schema of a built-in kind does not know (after defaulting, so defaults of newer
 * Kubernetes releases the schema lacks are dropped too). Custom resources are pruned by their CRD schema instead.
 */
export function builtinPrunePlugin(): AdmissionPlugin {
  return {
    name: 'BuiltinPrune',
    mutate(req) {
      if (!isWrite(req) || req.subresource === 'scale') return;
      if (req.catalog.crdFor(req.resource.group, req.resource.kind)) return;
      const schema = req.catalog.registry.forKind({ group: req.resource.group, version: req.resource.version, kind: req.resource.kind });
      if (!schema || schema.kind !== 'struct') return;
      pruneBuiltinUnknownFields(req.object as unknown as JsonObject, schema);
    },
  };
}

/** Rejects invalid built-in objects and changes to immutable fields with 422. Status updates are not checked. */
export function builtinValidationPlugin(): AdmissionPlugin {
  return {
    name: 'BuiltinValidation',
    validate(req) {
      if (!isWrite(req) || req.subresource !== undefined) return;
      if (req.resource.group === '' && req.resource.kind === 'Secret') checkSecretData(req.object);
      const errs = validateBuiltin(req.object, req.operation === 'UPDATE' ? req.oldObject : undefined);
      if (errs.length > 0) throw invalidError(req, errs);
    },
  };
}

function crSchema(req: AdmissionRequest): JsonObject | undefined {
  const crd = req.catalog.crdFor(req.resource.group, req.resource.kind);
  return crd ? crdVersionSchema(crd, req.resource.version) : undefined;
}

/** Defaults, prunes and validates custom resources against their CRD's `openAPIV3Schema`. */
export function customResourcePlugin(): AdmissionPlugin {
  return {
    name: 'CustomResourceSchema',
    mutate(req) {
      if (!isWrite(req) || req.subresource === 'scale') return;
      const schema = crSchema(req);
      if (!schema) return;
      const o = req.object as unknown as JsonObject;
      applyDefaults(o, schema);
      const pruned = pruneUnknownFields(o, schema);
      if (pruned.length === 0) return;
      const extras = req as AdmissionRequest & AdmissionRequestExtras;
      const mode = extras.fieldValidation ?? 'Warn';
      if (mode === 'Strict') {
        const kind = req.resource.kind;
        const list = pruned.map((p) => `unknown field ${JSON.stringify(p)}`).join(', ');
        throw new ApiError(400, StatusReason.badRequest, `${kind} in version ${JSON.stringify(req.resource.version)} cannot be handled as a ${kind}: strict decoding error: ${list}`);
      }
      if (mode === 'Warn' && extras.warnings) for (const p of pruned) extras.warnings.push(`unknown field ${JSON.stringify(p)}`);
    },
    validate(req) {
      if (!isWrite(req) || req.subresource === 'scale') return;
      const schema = crSchema(req);
      if (!schema) return;
      const errs = validateCustomResource(req.object as unknown as JsonObject, schema);
      if (errs.length > 0) throw invalidError(req, errs);
    },
  };
}

/** Options of {@link namespaceLifecyclePlugin}. */
export interface NamespaceLifecycleOptions {
  /** Reads a Namespace object (e.g. from the store); without it the plugin does nothing. */
  getNamespace?: (name: string) => KubeObject | undefined;
}

/**
 * Refuses to create objects in a namespace that is being deleted (403 Forbidden, as the API server's
 * NamespaceLifecycle plugin). Controllers' own writes pass through it too, except Events.
 */
export function namespaceLifecyclePlugin(opts: NamespaceLifecycleOptions = {}): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    validate(req) {
      if (req.operation !== 'CREATE' || !req.namespace || !opts.getNamespace || req.subresource) return;
      if (req.resource.kind === 'Event') return;
      const ns = opts.getNamespace(req.namespace);
      const phase = (ns?.status as JsonObject | undefined)?.phase;
      if (ns && (phase === 'Terminating' || ns.metadata.deletionTimestamp)) {
        throw new ApiError(
          403,
          StatusReason.forbidden,
          `${req.resource.plural}${req.resource.group ? `.${req.resource.group}` : ''} ${JSON.stringify(req.object?.metadata.name ?? req.name ?? '')} is forbidden: unable to create new content in namespace ${req.namespace} because it is being terminated`,
          { name: req.object?.metadata.name ?? req.name, group: req.resource.group, kind: req.resource.plural },
        );
      }
    },
  };
}

const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);

/**
 * Refuses to delete the `default`, `kube-system` and `kube-public` namespaces (403), as the API server does.
 * Not in {@link defaultAdmissionPlugins}: the server core enforces it already; for cores that do not.
 */
export function namespaceProtectionPlugin(): AdmissionPlugin {
  return {
    name: 'NamespaceProtection',
    validate(req) {
      if (req.operation !== 'DELETE' || req.resource.group !== '' || req.resource.plural !== 'namespaces') return;
      const name = req.oldObject?.metadata.name ?? req.name ?? '';
      if (!immortalNamespaces.has(name)) return;
      throw new ApiError(403, StatusReason.forbidden, `namespaces ${JSON.stringify(name)} is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    },
  };
}

/** Options of {@link defaultAdmissionPlugins}. */
export interface AdmissionOptions extends NamespaceLifecycleOptions {
  /** The RBAC authorizer: when given, RBAC escalation prevention runs (users may not grant what they lack). */
  rbac?: RbacAuthorizer;
}

/**
 * The admission chain in the order the server must run it: mutating plugins (defaults, CR schema
 * defaulting/pruning) then validating ones (built-in validation, CR schema validation). The namespace
 * lifecycle check is included only when `getNamespace` is given (the server core already refuses creates in a
 * terminating namespace). RBAC escalation prevention is included when `rbac` (the cluster's RBAC authorizer)
 * is given.
 */
export function defaultAdmissionPlugins(opts: AdmissionOptions = {}): AdmissionPlugin[] {
  const rbac = opts.rbac;
  return [
    ...(opts.getNamespace ? [namespaceLifecyclePlugin(opts)] : []),
    builtinDefaultsPlugin(),
    builtinPrunePlugin(),
    customResourcePlugin(),
    builtinValidationPlugin(),
    ...(rbac ? [rbacEscalationPlugin({ authorizer: rbac, snapshot: () => rbac.snapshot() })] : []),
  ];
}
