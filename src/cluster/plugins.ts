/**
 * Plug-in points of the local cluster: authorization (RBAC), admission (defaults, immutability, CRD
 * validation) and background controllers (GC, namespace lifecycle, workload simulation). The API server
 * core (`server.ts`) calls them; their implementations live in `admission/`, `rbac/` and `controllers/`.
 */
import type { KubeObject } from '../kube/object.js';
import type { ResourceInfo, SchemaRegistry } from '../kube/schema/types.js';

/** An authenticated identity (from the bearer token, a client certificate or impersonation headers). */
export interface UserInfo {
  name: string;
  groups: string[];
}

/** What an authorizer decides about: Kubernetes' authorization attributes. */
export interface RequestAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection, impersonate, or an HTTP verb for non-resource paths. */
  verb: string;
  /** True for `/api/...` and `/apis/...` resource requests; false for `/version`, `/healthz`… */
  apiRequest: boolean;
  /** For non-resource requests: the path (`/version`). */
  nonResourcePath?: string;
  group: string;
  version: string;
  /** Plural (`deployments`); for impersonation: `users` or `groups`. */
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** The verdict of an authorizer. */
export interface AuthorizationDecision {
  allowed: boolean;
  /** Why (appended to the 403 message when denied). */
  reason?: string;
}

/** Decides whether a request is allowed. It must be synchronous and fast: it runs on every request. */
export interface Authorizer {
  authorize(attrs: RequestAttributes): AuthorizationDecision;
}

/** The operation an admission plugin sees. */
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/**
 * The schema catalog admission plugins can consult: the registry (built-in kinds and CRD-defined kinds)
 * plus the stored CRD of a custom kind, for its `openAPIV3Schema`.
 */
export interface SchemaCatalog {
  registry: SchemaRegistry;
  /** The CRD object that defines this group/kind, or undefined for built-in kinds. */
  crdFor(group: string, kind: string): KubeObject | undefined;
}

/** One admission call. */
export interface AdmissionRequest {
  operation: AdmissionOperation;
  resource: ResourceInfo;
  /** `status`, `scale`… or undefined for the main resource. */
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The new object (CREATE/UPDATE), already decoded and with server-set metadata for UPDATE carried over. */
  object?: KubeObject;
  /** The stored object (UPDATE/DELETE). */
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
  catalog: SchemaCatalog;
}

/**
 * An admission plugin. Mutating plugins run first (in list order); each may return a replacement object
 * or mutate `req.object` in place and return nothing. Validating plugins run afterwards and throw an
 * `ApiError` (from `errors.ts`, typically 422 Invalid with causes) to reject the request.
 */
export interface AdmissionPlugin {
  name: string;
  mutate?(req: AdmissionRequest): KubeObject | void;
  validate?(req: AdmissionRequest): void;
}

/** Label and field selectors for list/watch, in the API's string syntax (`app=web,tier!=db`). */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** Only objects with an ownerReference to this uid (in-process only: found through the store's index). */
  ownerUid?: string;
}

/** A list result. */
export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
}

/** Options of writes through the internal client. */
export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  force?: boolean;
}

/** Options of a delete. */
export interface DeleteOptions {
  /** Background (the default for most kinds), Foreground or Orphan. */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  gracePeriodSeconds?: number;
}

/** Patch content types. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** One event of the internal watch. `BOOKMARK` is not delivered to internal watchers. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

/** How to name a resource in the internal client: by group/version/plural (or by kind, resolved). */
export interface ResourceRef {
  group: string;
  version: string;
  /** Plural, e.g. `deployments`. */
  resource: string;
}

/**
 * An in-process admin client over the same store and semantics as the HTTP API (admission, finalizers,
 * resourceVersions, managedFields, watch events). It bypasses authentication and authorization (it acts as
 * `system:admin`-like user `system:lockstep:controller`) but not admission. Errors are `ApiError`s.
 */
export interface InternalClient {
  /** Discovery facts of a resource, or undefined when not served. */
  resourceInfo(ref: ResourceRef): ResourceInfo | undefined;
  /** Every served resource (built-in and from CRDs), preferred versions first. */
  resources(): readonly ResourceInfo[];
  /** Finds the served resource of an apiVersion/kind. */
  resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined;
  get(ref: ResourceRef, name: string, namespace?: string): KubeObject | undefined;
  list(ref: ResourceRef, opts?: ListOptions): ListResult;
  create(ref: ResourceRef, obj: KubeObject, opts?: WriteOptions): KubeObject;
  /** Full replace; 409 when `metadata.resourceVersion` is set and stale. */
  update(ref: ResourceRef, obj: KubeObject, opts?: WriteOptions): KubeObject;
  /** Replaces only `.status` (the status subresource). */
  updateStatus(ref: ResourceRef, obj: KubeObject, opts?: WriteOptions): KubeObject;
  patch(ref: ResourceRef, name: string, patch: { type: PatchType; body: unknown; namespace?: string; subresource?: string }, opts?: WriteOptions): KubeObject;
  /** Deletes (or marks for deletion when finalizers remain); returns the object as last stored, or undefined when it was gone. */
  delete(ref: ResourceRef, name: string, namespace?: string, opts?: DeleteOptions): KubeObject | undefined;
  /**
   * Calls `cb` for every change after `fromResourceVersion` (`'0'` or undefined: from now). Delivery is
   * asynchronous (after the write is durable), in resourceVersion order. Returns an unsubscribe function.
   * With `metadataOnly` the objects carry only apiVersion, kind and metadata without managedFields (like a
   * metadata informer's PartialObjectMetadata), which is far cheaper for watchers of everything.
   */
  watch(ref: ResourceRef | undefined, fromResourceVersion: string | undefined, cb: (ev: WatchEvent) => void, opts?: { metadataOnly?: boolean }): () => void;
  /** The current global resourceVersion. */
  currentResourceVersion(): string;
}

/** A background controller run by the cluster (GC, namespace deletion, workload simulation…). */
export interface ClusterController {
  name: string;
  start(api: InternalClient): void;
  stop(): Promise<void>;
}

/** Options of the cluster's plug-in wiring. */
export interface ClusterPlugins {
  admission: AdmissionPlugin[];
  authorizer: Authorizer;
  controllers: ClusterController[];
}

/** An authorizer that allows everything (used until RBAC is wired, and for the admin identity). */
export const allowAllAuthorizer: Authorizer = {
  authorize: () => ({ allowed: true }),
};

/** The admin identity the kubeconfig's token maps to. */
export const adminUser: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };

/** The identity of the internal client used by cluster controllers. */
export const controllerUser: UserInfo = { name: 'system:lockstep:controller', groups: ['system:masters', 'system:authenticated'] };
