/**
 * `lockstep up`, the whole loop: cluster → served repo → CRDs and sync objects → controllers → progress
 * until every Kustomization is Ready (`--once` ends there) → then watch, printing each revision applied
 * and each failure, until interrupted.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { allCrds } from '../../api/crd.js';
import type { KubeClient } from '../../kube/client/index.js';
import type { JsonObject, KubeObject } from '../../kube/object.js';
import { componentNames, componentsObjects, defaultComponentsOptions } from '../../install/components.js';
import { syncObjects } from '../../install/sync.js';
import { lockstepVersion } from '../commands/version.js';
import { packageRoot } from '../../util/paths.js';
import type { CommandIO } from '../command.js';
import { CliLogger } from '../output/logger.js';
import { sleep } from '../output/context.js';
import { applyObjects, gitRepositoryType, kustomizationType, waitForDeployments } from './apply.js';
import { LiveTable, PlainLines, type ProgressRenderer, type ProgressRow, pendingRequests, rowOf, shortRevision, verdictOf } from './progress.js';
import { lockDataDir, stablePorts, type UpPorts } from './ports.js';
import { componentLeaseMessage, leaderLease, leaseMessage, readLeaseHolder, upIdentity } from './lease.js';
import { watchBranch, type BranchWatch } from './refwatch.js';
import { prepareLocalRepo } from './repo.js';
import { openCluster, serveRepo, startUpControllers, type ServedRepo, type UpCluster, type UpControllers } from './session.js';

/** Options of {@link runUp}. */
export interface UpOptions {
  /** Everything `up` keeps: cluster data, repo copy, artifacts, logs (default `<cwd>/.lockstep`). */
  dataDir: string;
  /** The user's repository (URL or local path); default: the bundled example copied to `<dataDir>/repo`. */
  repo?: string | undefined;
  branch: string;
  /** Entry point in the repo (`clusters/NAME`). */
  path: string;
  kubeconfig?: string | undefined;
  context?: string | undefined;
  once: boolean;
  timeoutMs: number;
  /** GitRepository interval (Go duration). */
  interval: string;
  /** Probe server address (default 127.0.0.1:0). */
  metricsAddr: string;
  /** Poll period of the progress view. */
  pollMs: number;
  /** Resolves when the user interrupts (SIGINT/SIGTERM); tests pass their own. */
  interrupted: Promise<void>;
  /**
   * Deploy the controllers into the cluster (the `lockstep install` Deployments, this image) instead of
   * running them in this process. Only with `kubeconfig`/`context`.
   */
  install?: { image?: string | undefined } | undefined;
}

/** The bundled example's entry point. */
export const defaultUpPath = 'clusters/staging';

/** An `up` failure with the one-line reason printed to the user. */
export class UpError extends Error {
  override readonly name = 'UpError';
}

async function snapshot(client: KubeClient, req?: Requested): Promise<ProgressRow[]> {
  const [gits, kss] = await Promise.all([client.list(gitRepositoryType), client.list(kustomizationType)]);
  let rows = [...gits.items, ...kss.items].map((o) => rowOf(o as KubeObject));
  if (req) rows = pendingRequests(rows, req.keys, req.token);
  return rows.sort((a, b) => (a.kind === b.kind ? `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`) : a.kind === 'GitRepository' ? -1 : 1));
}

interface Resources {
  cluster?: UpCluster;
  served?: ServedRepo;
  refWatch?: BranchWatch;
  controllers?: UpControllers;
}

async function closeAll(r: Resources): Promise<void> {
  r.refWatch?.close();
  await r.controllers?.stop().catch(() => undefined);
  await r.served?.server.close().catch(() => undefined);
  await r.cluster?.close().catch(() => undefined);
}

function isLocalPath(repo: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(repo) && !/^[^/]+@[^/]+:/.test(repo);
}

/**
 * Moves credentials out of an http(s) URL (`https://user:pass@host/repo`): the GitRepository gets the
 * bare URL and a Secret `flux-system` with `username`/`password`, so they are neither stored in the
 * object's spec nor printed.
 */
export function splitCredentials(raw: string): { url: string; basic?: { username: string; password: string } } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { url: raw };
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || (u.username === '' && u.password === '')) return { url: raw };
  const basic = { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  u.username = '';
  u.password = '';
  return { url: u.toString(), basic };
}

/** Decides the repository to sync: the example copy, a served local path, or a remote URL. */
async function resolveRepo(o: UpOptions, io: CommandIO, r: Resources, serve: { onPush: () => void; ports: UpPorts }): Promise<{ url: string; localDir?: string; basic?: { username: string; password: string } }> {
  if (o.repo === undefined || isLocalPath(o.repo)) {
    let dir: string;
    if (o.repo === undefined) {
      const made = await prepareLocalRepo({ dir: join(o.dataDir, 'repo'), source: join(packageRoot(), 'examples'), branch: o.branch });
      dir = made.dir;
      if (made.created) new CliLogger(io.stderr, io.env).generate(`copied the example repository to ${dir} (initial commit on ${o.branch})`);
    } else {
      dir = resolve(io.cwd, o.repo);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UpError(`--repo ${o.repo}: no such directory`);
      if (!existsSync(join(dir, '.git')) && !existsSync(join(dir, 'HEAD'))) throw new UpError(`--repo ${o.repo}: not a git repository (run "git init" and commit your manifests first)`);
    }
    r.served = await serveRepo(dir, { onPush: serve.onPush, port: serve.ports.git });
    // A commit made in the served repository itself has no push hook: watch the branch's ref.
    r.refWatch = await watchBranch({ dir, branch: o.branch, onChange: serve.onPush });
    return { url: r.served.url, localDir: dir };
  }
  return splitCredentials(o.repo);
}

function printWhere(io: CommandIO, info: { cluster: UpCluster; url: string; localDir?: string | undefined; controllers: UpControllers | undefined; branch: string; installed?: string | undefined }): void {
  const log = new CliLogger(io.stderr, io.env);
  log.success(`cluster: ${info.cluster.description}`);
  log.success(`kubectl: export KUBECONFIG=${info.cluster.kubeconfigPath}`);
  if (info.localDir) log.success(`git: ${info.url} (branch ${info.branch}); local clone: ${info.localDir} — commit there or push to the URL`);
  else log.success(`git: ${info.url} (branch ${info.branch})`);
  if (info.installed) log.success(`controllers: ${info.installed}`);
  if (info.controllers?.probeUrl) log.success(`controllers: metrics ${info.controllers.probeUrl}/metrics, health ${info.controllers.probeUrl}/healthz, ${info.controllers.probeUrl}/readyz; logs ${info.controllers.logFile}`);
}

const requestPatch = (): JsonObject => ({ metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } } });

/** Requests an immediate reconcile of the GitRepository (after a push to, or a commit in, the served repo). */
async function requestSourceReconcile(client: KubeClient): Promise<void> {
  await client.patch({ ...gitRepositoryType, namespace: 'flux-system', name: 'flux-system' }, requestPatch(), { type: 'merge' });
}

/** Requests a reconcile of every GitRepository and Kustomization: a fresh `up` starts from now, not from old retries. */
async function requestReconcileAll(client: KubeClient): Promise<Requested> {
  const patch = requestPatch();
  const token = ((patch['metadata'] as JsonObject)['annotations'] as Record<string, string>)['reconcile.fluxcd.io/requestedAt'] ?? '';
  const keys = new Set<string>();
  for (const type of [gitRepositoryType, kustomizationType]) {
    const l = await client.list(type);
    for (const obj of l.items) {
      const ok = await client.patch({ ...type, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' }, patch, { type: 'merge' }).then(() => true, () => false);
      if (ok) keys.add(`${type.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`);
    }
  }
  return { keys, token };
}

interface Requested {
  keys: ReadonlySet<string>;
  token: string;
}

/** Polls until all Ready (resolves 'ready'), a failure, the deadline, or the interrupt. */
async function waitUntilReady(client: KubeClient, o: UpOptions & { requested: Requested; tick: () => void }, view: ProgressRenderer, stop: { interrupted: boolean }): Promise<{ result: 'ready' | 'failed' | 'timeout' | 'interrupted'; rows: ProgressRow[]; failed?: ProgressRow }> {
  const deadline = Date.now() + o.timeoutMs;
  let rows: ProgressRow[] = [];
  for (;;) {
    if (stop.interrupted) return { result: 'interrupted', rows };
    rows = await snapshot(client, o.requested);
    const v = verdictOf(rows);
    if (v.allReady) return { result: 'ready', rows };
    if (v.failed && o.once) return { result: 'failed', rows, failed: v.failed };
    if (Date.now() > deadline && o.once) return { result: 'timeout', rows };
    view.update(rows);
    o.tick();
    await sleep(o.pollMs);
  }
}

/** After Ready: prints each new applied revision and each new failure until interrupted. */
async function watchChanges(client: KubeClient, io: CommandIO, o: UpOptions & { stop: { interrupted: boolean }; tick: () => void }, initial: readonly ProgressRow[]): Promise<void> {
  const stop = o.stop;
  const log = new CliLogger(io.stdout, io.env);
  const last = new Map(initial.map((r) => [`${r.kind}/${r.namespace}/${r.name}`, `${r.state}|${r.revision}|${r.message}`]));
  log.waiting('watching for changes (Ctrl-C to stop)');
  while (!stop.interrupted) {
    await sleep(o.pollMs);
    o.tick();
    let rows: ProgressRow[];
    try {
      rows = await snapshot(client);
    } catch (err) {
      log.warning(`cannot read status: ${(err as Error).message}`);
      continue;
    }
    for (const r of rows) {
      const key = `${r.kind}/${r.namespace}/${r.name}`;
      const sig = `${r.state}|${r.revision}|${r.message}`;
      const prev = last.get(key);
      if (prev === sig) continue;
      last.set(key, sig);
      const prevRevision = prev?.split('|')[1];
      if (r.kind === 'Kustomization' && r.state === 'ready' && r.revision && r.revision !== prevRevision) log.success(`Kustomization/${r.name}.${r.namespace} applied revision ${shortRevision(r.revision)}`);
      else if (r.kind === 'GitRepository' && r.state === 'ready' && r.revision !== prevRevision) log.success(`GitRepository/${r.name}.${r.namespace} fetched revision ${shortRevision(r.revision)}`);
      else if (r.state === 'failed' && verdictOf(rows).failed === r) log.failure(`${r.kind}/${r.name}.${r.namespace}: ${r.message || r.reason}`);
    }
  }
}

/** What `up` applies: CRDs (or, with --install, the whole components manifest), the Namespace, the sync objects. */
function objectsFor(o: UpOptions, repo: { url: string; basic?: { username: string; password: string } | undefined }): JsonObject[] {
  const sync: JsonObject[] = syncObjects({ name: 'flux-system', namespace: 'flux-system', url: repo.url, branch: o.branch, path: o.path, interval: o.interval, secretName: repo.basic ? 'flux-system' : undefined });
  if (repo.basic) sync.unshift({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'flux-system', namespace: 'flux-system' }, type: 'Opaque', stringData: { ...repo.basic } });
  if (o.install) return [...componentsObjects({ version: lockstepVersion(), ...(o.install.image ? { image: o.install.image } : {}) }), ...sync];
  return [...allCrds(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system', labels: { 'app.kubernetes.io/instance': 'flux-system', 'app.kubernetes.io/part-of': 'lockstep' } } }, ...sync];
}

/** The image the --install Deployments run. */
function installImage(o: UpOptions): string {
  return o.install?.image ?? defaultComponentsOptions(lockstepVersion()).image;
}

/**
 * Starts the in-process controllers (campaigning for the leader Lease, so another Lockstep controller
 * process already reconciling this cluster keeps doing so; the one line about it comes first), or
 * nothing with --install.
 */
async function startControllersFor(o: UpOptions, io: CommandIO, at: { client: KubeClient; storagePort: number }): Promise<{ controllers?: UpControllers; followed: boolean }> {
  if (o.install) return { followed: false };
  const identity = upIdentity(o.dataDir);
  for (const name of componentNames) {
    const lease = `${name}-leader-election`;
    const installed = componentLeaseMessage(lease, await readLeaseHolder(at.client, Date.now, lease), identity);
    if (installed) {
      new CliLogger(io.stderr, io.env).waiting(installed);
      return { followed: true };
    }
  }
  const note = leaseMessage(await readLeaseHolder(at.client), identity);
  if (note) new CliLogger(io.stderr, io.env).waiting(note);
  const controllers = await startUpControllers({
    client: at.client,
    storageDir: join(o.dataDir, 'storage'),
    storagePort: at.storagePort,
    logFile: join(o.dataDir, 'logs', 'controllers.log'),
    metricsAddr: o.metricsAddr,
    leaderElection: { ...leaderLease, identity },
  });
  return { controllers, followed: note !== undefined };
}

/**
 * Reports changes of leadership of up's controllers, once each: taking over from another process
 * (after it stopped), or losing the Lease. The first acquisition of a free Lease is not news.
 */
function leadershipTicker(c: UpControllers | undefined, io: CommandIO, followed: boolean): () => void {
  let last: boolean | undefined = followed ? false : undefined;
  const log = new CliLogger(io.stderr, io.env);
  return () => {
    if (!c) return;
    const now = c.manager.isLeader;
    if (last === undefined) {
      if (now) last = true;
      return;
    }
    if (now === last) return;
    last = now;
    if (now) log.success(`up's controllers took over the leader Lease ${leaderLease.namespace}/${leaderLease.name} and reconcile now`);
    else log.warning(`up's controllers lost the leader Lease ${leaderLease.namespace}/${leaderLease.name}: another process reconciles`);
  };
}

/** What the user can do about a failed object, by the kind of failure its message names ('' when unsure). */
export function failureHint(row: Pick<ProgressRow, 'kind' | 'message' | 'reason'>): string {
  const m = `${row.reason} ${row.message}`;
  if (row.kind === 'GitRepository') {
    if (/authentication|permission denied|publickey|HTTP 40[13]/i.test(m)) return 'give credentials the repository accepts (for up: in the --repo URL; bootstrap git takes --username/--password, --token or --private-key-file)';
    if (/not found|does not exist|no git repository|HTTP 404/i.test(m)) return 'check the --repo URL and --branch: nothing is served there';
    if (/unreachable|refused|resolve|timed? ?out|ECONN/i.test(m)) return 'check the --repo URL: its host does not answer from here';
    return '';
  }
  if (/path not found|no such file/i.test(m)) return 'check --path: it must name a folder of the repository that holds manifests';
  if (/HealthCheckFailed|health/i.test(m)) return 'see why with: lockstep events, or kubectl describe on the objects named';
  return 'fix the manifests in git; lockstep build kustomization flux-system --path DIR shows the error offline';
}

function timeoutHint(o: UpOptions, rows: readonly ProgressRow[]): string {
  if (!o.install || rows.some((x) => x.handled !== '' || x.revision !== '')) return '';
  return ` (nothing was reconciled: are the controller Deployments running? kubectl -n flux-system get pods; their image is ${installImage(o)}, built from the Dockerfile)`;
}

/** Runs `up`; resolves to the exit code. Every failure ends with one line on stderr. */
export async function runUp(o: UpOptions, io: CommandIO): Promise<number> {
  const r: Resources = {};
  const stop = { interrupted: false };
  void o.interrupted.then(() => (stop.interrupted = true));
  const log = new CliLogger(io.stderr, io.env);
  let unlock: (() => void) | undefined;
  try {
    unlock = lockDataDir(o.dataDir);
    log.action(o.kubeconfig || o.context ? 'connecting to the cluster' : `starting the local cluster (data in ${join(o.dataDir, 'cluster')})`);
    r.cluster = await openCluster({ kubeconfig: o.kubeconfig, context: o.context, clusterDir: join(o.dataDir, 'cluster') });
    const client = r.cluster.client;
    try {
      await client.requestJson({ method: 'GET', path: '/version' });
    } catch (err) {
      throw new UpError(`cannot reach the cluster at ${client.server}: ${(err as Error).message} — check --kubeconfig/--context (kubectl --kubeconfig FILE version should answer)`);
    }
    mkdirSync(o.dataDir, { recursive: true });
    const ports = await stablePorts(o.dataDir);
    const repo = await resolveRepo(o, io, r, { onPush: () => void requestSourceReconcile(client).catch(() => undefined), ports });
    log.action(o.install ? 'installing the components (CRDs, RBAC, controller Deployments) and the sync objects' : 'installing CRDs and the sync objects (GitRepository and Kustomization flux-system)');
    await applyObjects(client, objectsFor(o, repo));
    if (o.install) {
      log.action(`waiting for the controller Deployments (${componentNames.join(', ')}) to be available`);
      try {
        await waitForDeployments(client, { namespace: 'flux-system', names: componentNames, timeoutMs: o.timeoutMs });
      } catch (err) {
        throw new UpError(`${(err as Error).message} — kubectl -n flux-system get pods; the image is ${installImage(o)}, built from the Dockerfile`);
      }
      log.success('controller Deployments are available');
    }
    const requested = await requestReconcileAll(client);
    const started = await startControllersFor(o, io, { client, storagePort: ports.storage });
    r.controllers = started.controllers;
    const tick = leadershipTicker(r.controllers, io, started.followed);
    const installed = o.install ? `Deployments source-controller and kustomize-controller in flux-system, image ${installImage(o)} (up runs no controllers itself)` : undefined;
    printWhere(io, { cluster: r.cluster, url: repo.url, localDir: repo.localDir, controllers: r.controllers, branch: o.branch, installed });
    if (o.install && repo.localDir) log.warning(`the controllers in the cluster fetch ${repo.url}, served from this machine only: pass --repo with a URL the cluster can reach`);
    const tty = (io.stdout as { isTTY?: boolean }).isTTY === true;
    const view: ProgressRenderer = tty ? new LiveTable(io.stdout as NodeJS.WritableStream & { columns?: number }) : new PlainLines(io.stdout, io.env);
    const res = await waitUntilReady(client, { ...o, requested, tick }, view, stop);
    if (res.result === 'interrupted') return 130;
    if (res.result === 'failed' && res.failed) {
      view.finish(res.rows, '✗ reconciliation failed');
      const hint = failureHint(res.failed);
      io.stderr.write(`✗ ${res.failed.kind}/${res.failed.name}.${res.failed.namespace} failed: ${res.failed.message || res.failed.reason}${hint ? ` — ${hint}` : ''}\n`);
      return 1;
    }
    if (res.result === 'timeout') {
      view.finish(res.rows, '✗ timed out');
      const pending = res.rows.filter((x) => x.state !== 'ready').map((x) => `${x.kind}/${x.name}: ${x.message || 'waiting'}`);
      io.stderr.write(`✗ timeout after ${Math.round(o.timeoutMs / 1000)}s waiting for ${pending.join('; ') || 'a Kustomization to appear'}${timeoutHint(o, res.rows)}\n`);
      return 1;
    }
    view.finish(res.rows, '✔ all Kustomizations are Ready');
    if (o.once) return 0;
    await watchChanges(client, io, { ...o, stop, tick }, res.rows);
    return 0;
  } catch (err) {
    io.stderr.write(`✗ ${(err as Error).message.replace(/\s*\n\s*/g, '; ')}\n`);
    return 1;
  } finally {
    await closeAll(r);
    unlock?.();
  }
}
