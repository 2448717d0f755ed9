/**
 * `startLocalCluster()`: the local Kubernetes-API-compatible cluster over HTTPS on loopback, with SQLite
 * persistence (or in memory), a generated CA, an admin bearer token and a kubeconfig for clients.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { KubeObject } from '../kube/object.js';
import { builtinSchemas, createSchemaCatalog } from '../kube/schema/catalog.js';
import type { SchemaRegistry } from '../kube/schema/types.js';
import { type CrdSchemaSource, ResourceCatalog } from './catalog.js';
import { ClusterCore, type WriteContext } from './core.js';
import { handleRequest } from './http/handler.js';
import { createOpenApiServer } from './http/openapi.js';
import { createInternalClient } from './internal-client.js';
import { defaultMergeEngine } from './merge-default.js';
import type { ClusterPlugins, InternalClient, UserInfo } from './plugins.js';
import { adminUser, allowAllAuthorizer } from './plugins.js';
import { ObjectStore } from './store.js';
import { defaultAdmissionPlugins } from './admission/index.js';
import { rbacAuthorizer } from './rbac/index.js';
import { defaultControllers } from './controllers/index.js';
import { type CertKeyPair, type ClusterPki, generatePki, issueClientCert, loadOrCreatePki } from './tls.js';

/** Options of {@link startLocalCluster}. */
export interface LocalClusterOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Where state.db, the PKI, the admin token and the kubeconfig live. Default: a temp dir when in memory. */
  dataDir?: string;
  /** Keep objects in memory only (the PKI is then kept in memory too, and the kubeconfig in a temp dir unless dataDir is given). */
  inMemory?: boolean;
  /** Delay of the workload simulation, ms (passed to the controllers). */
  simulateDelayMs?: number;
  /** Run the workload simulation (default true); off, Deployments and friends keep the status clients write. */
  simulate?: boolean;
  /** Admission plugins, authorizer and controllers; default {@link defaultClusterPlugins}. */
  plugins?: Partial<ClusterPlugins> | ((client: InternalClient) => Partial<ClusterPlugins>);
  /** Interval of watch bookmarks, ms (default 15 s). */
  bookmarkIntervalMs?: number;
  /** Change-log entries kept for watch resumption (default 20,000). */
  retainEvents?: number;
}

/** A running local cluster. */
export interface LocalCluster {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  kubeconfigPath: string;
  /** The kubeconfig YAML (admin token, CA). */
  kubeconfig: string;
  adminToken: string;
  /** PEM of the cluster CA. */
  caCert: string;
  /** The in-process admin client (what cluster controllers use). */
  client: InternalClient;
  /** Issues a client certificate for a user (CN = name, O = groups) signed by the cluster CA. */
  issueClientCert(user: UserInfo): CertKeyPair;
  /** A kubeconfig for a user identified by a client certificate. */
  kubeconfigFor(user: UserInfo): string;
  /** Stops the server, the controllers and closes the database. */
  close(): Promise<void>;
}

let memoryPki: ClusterPki | undefined;

function pkiFor(opts: LocalClusterOptions): ClusterPki {
  if (opts.dataDir && !opts.inMemory) return loadOrCreatePki(opts.dataDir);
  memoryPki ??= generatePki();
  return memoryPki;
}

function adminTokenFor(opts: LocalClusterOptions): string {
  if (!opts.dataDir || opts.inMemory) return randomBytes(24).toString('hex');
  const p = join(opts.dataDir, 'admin-token');
  if (existsSync(p)) return readFileSync(p, 'utf8').trim();
  const t = randomBytes(24).toString('hex');
  writeFileSync(p, t + '\n', { mode: 0o600 });
  return t;
}

/** Builds a kubeconfig document (YAML) for the cluster. */
export function renderKubeconfig(opts: { url: string; caCert: string; user: string; token?: string; cert?: CertKeyPair }): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const user: Record<string, string> = {};
  if (opts.token) user.token = opts.token;
  if (opts.cert) {
    user['client-certificate-data'] = b64(opts.cert.cert);
    user['client-key-data'] = b64(opts.cert.key);
  }
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'lockstep', cluster: { server: opts.url, 'certificate-authority-data': b64(opts.caCert) } }],
    users: [{ name: opts.user, user }],
    contexts: [{ name: 'lockstep', context: { cluster: 'lockstep', user: opts.user, namespace: 'default' } }],
    'current-context': 'lockstep',
    preferences: {},
  });
}

/** Schemas of CRD-defined kinds through the schema catalog (CRDs that clash with built-ins are served schema-less). */
const crdSchemaSource: CrdSchemaSource = {
  withCrds(_base: SchemaRegistry, crds: readonly KubeObject[]): SchemaRegistry {
    const cat = createSchemaCatalog();
    for (const crd of crds) {
      try {
        cat.addCustomResourceDefinition(crd);
      } catch {
        // a malformed or clashing CRD: its kinds stay schema-less
      }
    }
    return cat;
  },
};

const BOOT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function bootstrap(core: ClusterCore): void {
  const ns = core.catalog.byPlural('', 'v1', 'namespaces');
  if (!ns) return;
  const ctx: WriteContext = { user: adminUser, dryRun: false, fieldManager: 'lockstep-apiserver', force: false, fieldValidation: 'Ignore', warnings: [] };
  for (const name of BOOT_NAMESPACES) {
    if (!core.find(ns, undefined, name)) core.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, ctx);
  }
}

/**
 * The default plug-in wiring: admission (with RBAC escalation prevention), the RBAC authorizer and the controllers
 * of `admission/`, `rbac/`, `controllers/`.
 */
export function defaultClusterPlugins(client: InternalClient, opts: { simulateDelayMs?: number; simulate?: boolean } = {}): ClusterPlugins {
  // one authorizer: the escalation check must see the same RBAC snapshot as request authorization
  const rbac = rbacAuthorizer(client);
  return {
    admission: defaultAdmissionPlugins({ rbac }),
    authorizer: rbac,
    controllers: defaultControllers({ simulateDelayMs: opts.simulateDelayMs, simulate: opts.simulate }),
  };
}

/** Starts the cluster; see {@link LocalClusterOptions}. */
export async function startLocalCluster(opts: LocalClusterOptions = {}): Promise<LocalCluster> {
  const host = opts.host ?? '127.0.0.1';
  const inMemory = opts.inMemory ?? !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'lockstep-cluster-'));
  const ownsDir = !opts.dataDir;
  mkdirSync(dataDir, { recursive: true });
  const pki = pkiFor({ ...opts, dataDir, inMemory });
  const adminToken = adminTokenFor({ ...opts, dataDir, inMemory });
  const store = new ObjectStore({ path: inMemory ? undefined : join(dataDir, 'state.db'), retainEvents: opts.retainEvents });
  const catalog = new ResourceCatalog(builtinSchemas(), crdSchemaSource);
  // plugins need the client, the client needs the core: build the core with a late-bound admission list
  const admission: ClusterPlugins['admission'] = [];
  const core = new ClusterCore({ store, catalog, merge: defaultMergeEngine(), admission, propagationFinalizers: false });
  const client = createInternalClient(core);
  const given = typeof opts.plugins === 'function' ? opts.plugins(client) : opts.plugins;
  const defaults = given === undefined ? defaultClusterPlugins(client, { simulateDelayMs: opts.simulateDelayMs, simulate: opts.simulate }) : undefined;
  const plugins: ClusterPlugins = {
    admission: given?.admission ?? defaults?.admission ?? [],
    authorizer: given?.authorizer ?? defaults?.authorizer ?? allowAllAuthorizer,
    controllers: given?.controllers ?? defaults?.controllers ?? [],
  };
  admission.push(...plugins.admission);
  // foregroundDeletion/orphan finalizers only make sense when a garbage collector will remove them
  core.propagationFinalizers = plugins.controllers.some((c) => /garbage|(^|-)gc(-|$)/i.test(c.name));
  bootstrap(core);

  const tokens = new Map<string, UserInfo>([[adminToken, adminUser]]);
  let serverAddress = `${host}:0`;
  const openapi = createOpenApiServer(catalog);
  const server: Server = createServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    void handleRequest({ core, authorizer: plugins.authorizer, tokens, serverAddress, openapi, bookmarkIntervalMs: opts.bookmarkIntervalMs }, req, res);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  serverAddress = `${host}:${port}`;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kubeconfig = renderKubeconfig({ url, caCert: pki.caCert, user: 'admin', token: adminToken });
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  for (const c of plugins.controllers) c.start(client);

  let closed = false;
  return {
    url,
    kubeconfigPath,
    kubeconfig,
    adminToken,
    caCert: pki.caCert,
    client,
    issueClientCert: (user) => issueClientCert(pki, user),
    kubeconfigFor: (user) => renderKubeconfig({ url, caCert: pki.caCert, user: user.name, cert: issueClientCert(pki, user) }),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.allSettled(plugins.controllers.map((c) => c.stop()));
      client.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        // a connection still in its TLS handshake is not among those closed: it would hold close() open (a
        // client reconnecting its watch at that moment kept a test waiting for the watch's 30 min timeout)
        server.on('secureConnection', (socket) => socket.destroy());
      });
      store.close();
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
