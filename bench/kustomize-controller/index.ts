/**
 * Kustomize controller at scale, against the local cluster running in its own process
 * (`lockstep cluster start --in-memory`, workload simulation on), so this process holds only the
 * Kustomization controller (the source is a GitRepository whose `status.artifact` points at a tarball
 * served here; no source controller runs):
 *
 * 1. N Kustomizations (default 1,000; Flux's benchmark shape), each a Deployment, ServiceAccount, Service
 *    and Ingress (same path, `targetNamespace` over 10 namespaces and a `namePrefix` each): time from the
 *    first create until all are Ready (target < 60 s) and the controller process RSS (target < 256 MiB).
 *    1b. Then a resync of all of them (`requestedAt`; each a no-op): time and requests per Kustomization,
 *    what every interval costs.
 * 2. One Kustomization of M objects (default 1,000): its first reconcile against `kubectl apply
 *    --server-side` of the same rendered YAML (another namespace, same cluster; target ≤ 1.3×), and a
 *    no-op reconcile (target ≤ 0.2× of that kubectl apply).
 *
 * Run: `npm run bench -- kustomize-controller`. Env: BENCH_KS (1000), BENCH_OBJECTS (1000; 0 skips part 2),
 * BENCH_CONCURRENCY (16; Flux's default is 4), BENCH_QPS (0: no client rate limit; Flux's default is 50 with
 * burst 300, here burst is 6× qps), BENCH_WAIT (0: Ready without health checks; 1: `wait: true`), BENCH_LOG (a pino
 * level for the controller's logs on stderr; default none), BENCH_RESYNC (1; 0 skips part 1b).
 *
 * The controller's client is separate from the bench's own (creates, polls), and its requests are
 * counted by verb and resource (see `requests.ts`): the table after each part is what the controller
 * sent, per Kustomization (part 1) or per reconcile (part 2).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitRepositoryApiVersion, gitRepositoryKind } from '../../src/api/gitrepository.js';
import { allCrds } from '../../src/api/crd.js';
import { type Kustomization, type KustomizationSpec, kustomizationApiVersion, kustomizationKind } from '../../src/api/kustomization.js';
import { startArtifactServer, writeArchive } from '../../src/artifact/index.js';
import { createKustomizationController } from '../../src/controllers/kustomize/index.js';
import { KubeClient } from '../../src/kube/client/index.js';
import type { KubeObject } from '../../src/kube/object.js';
import { renderFluxPath } from '../../src/render/flux-overlay.js';
import { emitDocument } from '../../src/render/kustomize/index.js';
import { ControllerMetrics, Manager, createLogger, getCondition, silentLogger } from '../../src/runtime/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { runTool } from '../../test/harness/tools.js';
import { RequestCounter } from './requests.js';

const KS = Number(process.env.BENCH_KS ?? 1000);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WAIT = process.env.BENCH_WAIT === '1';
/** Client rate limit of the controller: 0 = none (the default here; Flux's controllers default to 50 qps, burst 300). */
const QPS = Number(process.env.BENCH_QPS ?? 0);
const RESYNC = process.env.BENCH_RESYNC !== '0';
const NAMESPACES = 10;
const TARGETS = { allReadyMs: 60_000, rssMiB: 256, firstRatio: 1.3, noopRatio: 0.2 };

const ksType = { apiVersion: kustomizationApiVersion, kind: kustomizationKind };
const gitType = { apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind };

function appFiles(): Record<string, string> {
  return {
    'app/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: podinfo\n',
    'app/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
spec:
  replicas: 1
  selector:
    matchLabels: {app: podinfo}
  template:
    metadata:
      labels: {app: podinfo}
    spec:
      serviceAccountName: podinfo
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.7.1
          ports: [{name: http, containerPort: 9898}]
`,
    'app/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo\nspec:\n  selector: {app: podinfo}\n  ports: [{name: http, port: 80, targetPort: http}]\n',
    'app/ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: podinfo
spec:
  rules:
    - host: podinfo.example.test
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: podinfo, port: {name: http}}}
`,
  };
}

/** M objects: quarters of ConfigMaps, ServiceAccounts, Services and Deployments. */
function bigFiles(m: number): Record<string, string> {
  const docs: string[] = [];
  for (let i = 0; i < m; i++) {
    const n = `obj-${i}`;
    switch (i % 4) {
      case 0:
        docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\ndata:\n  index: "${i}"\n  payload: "${'x'.repeat(200)}"\n`);
        break;
      case 1:
        docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${n}\n`);
        break;
      case 2:
        docs.push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: ${n}\nspec:\n  selector: {app: ${n}}\n  ports: [{port: 80}]\n`);
        break;
      default:
        docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${n}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: ${n}}\n  template:\n    metadata:\n      labels: {app: ${n}}\n    spec:\n      containers: [{name: main, image: "nginx:1.27"}]\n`);
    }
  }
  return { 'big/all.yaml': docs.join('---\n') };
}

async function startCluster(dir: string): Promise<{ child: ChildProcess; kubeconfig: string }> {
  // The same runtime as this file: compiled (npm run bench) or TypeScript through tsx.
  const fromTs = fileURLToPath(import.meta.url).endsWith('.ts');
  const entry = fromTs ? ['--import', 'tsx', join(packageRoot(), 'src', 'cmd', 'lockstep.ts')] : [join(packageRoot(), 'dist', 'src', 'cmd', 'lockstep.js')];
  const child = spawn(process.execPath, [...entry, 'cluster', 'start', '--port', '0', '--data', dir, '--in-memory'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 300 && !existsSync(join(dir, 'cluster.json')); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(join(dir, 'kubeconfig'))) throw new Error('the local cluster did not start');
  return { child, kubeconfig: join(dir, 'kubeconfig') };
}

/** User+system CPU of another process, in ms (Linux /proc). */
function childCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) || 0) + (Number(fields[12]) || 0)) * 10;
  } catch {
    return 0;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * 1b. What every interval costs once all are applied: `requestedAt` on every Kustomization, until each
 * has handled it and is Ready again (nothing changed in git or in the cluster: a no-op each).
 */
async function resync(a: { manager: Manager; driver: KubeClient; counter: RequestCounter; child: ChildProcess }): Promise<void> {
  const token = `resync-${Date.now()}`;
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const childCpu0 = childCpuMs(a.child.pid);
  const req0 = a.counter.mark();
  const patches: Array<Promise<unknown>> = [];
  for (let i = 0; i < KS; i++) {
    patches.push(a.driver.patch({ ...ksType, namespace: 'flux-system', name: `app-${i}` }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } }, { type: 'merge' }));
    if (patches.length >= 32) await Promise.all(patches.splice(0));
  }
  await Promise.all(patches);
  for (;;) {
    const items = a.manager.informers.informerFor({ type: ksType }).cache.list('flux-system') as Kustomization[];
    const done = items.filter((k) => k.metadata.name?.startsWith('app-') && k.status?.lastHandledReconcileAt === token && getCondition(k, 'Ready')?.status === 'True').length;
    if (done >= KS) break;
    if (Date.now() - t0 > 600_000) throw new Error(`only ${done}/${KS} resynced after 600 s`);
    await sleep(200);
  }
  const ms = Date.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(`1b. resync: requestedAt on all ${KS}, until all handled and Ready`.padEnd(61) + ' ' + `${fmt(ms)}  CPU controller / cluster ${fmt((cpu.user + cpu.system) / 1000)} / ${fmt(childCpuMs(a.child.pid) - childCpu0)}`);
  console.log('   controller requests (count, per Kustomization)');
  for (const line of a.counter.report(req0, KS)) console.log(line);
}
const rssMiB = (): number => process.memoryUsage().rss / 1024 / 1024;
const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mark = (ok: boolean): string => (ok ? 'ok' : 'MISSED');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-ks-'));
  const { child, kubeconfig } = await startCluster(join(dir, 'cluster'));
  // The controller's client (unlimited: the cluster is in-process-local; its requests are counted) and
  // the bench's own client for setup, creates and polls.
  const client = KubeClient.fromKubeConfig({ kubeconfig }, { qps: QPS, burst: QPS > 0 ? QPS * 6 : 10_000 });
  const counter = new RequestCounter();
  counter.attach(client);
  const driver = KubeClient.fromKubeConfig({ kubeconfig }, { qps: 0, burst: 10_000 });
  const manager = new Manager({
    client,
    logger: process.env.BENCH_LOG ? createLogger({ level: process.env.BENCH_LOG }) : silentLogger(),
    metrics: new ControllerMetrics(),
    settings: { concurrent: CONCURRENCY },
    events: () => ({ record: async () => undefined }),
    factories: [{ name: 'kustomize', description: 'bench', create: (ctx) => [createKustomizationController(ctx, { healthIntervalMs: 1000 })] }],
  });
  try {
    for (const crd of allCrds()) await driver.create(crd as unknown as KubeObject);
    // The artifact: a tarball with both trees, served over HTTP, recorded on a GitRepository's status.
    const src = join(dir, 'src');
    for (const [p, text] of Object.entries({ ...appFiles(), ...bigFiles(OBJECTS) })) {
      await mkdir(join(src, p, '..'), { recursive: true });
      await writeFile(join(src, p), text);
    }
    const storage = join(dir, 'storage');
    await mkdir(join(storage, 'gitrepository', 'flux-system', 'bench'), { recursive: true });
    const rel = 'gitrepository/flux-system/bench/bench.tar.gz';
    const archive = await writeArchive(src, join(storage, rel));
    const server = await startArtifactServer({ root: storage });
    for (let i = 0; i < 100; i++) {
      try {
        await driver.list(gitType, { namespace: 'default' });
        await driver.list(ksType, { namespace: 'default' });
        break;
      } catch {
        await sleep(100);
      }
    }
    for (const ns of ['flux-system', 'big', 'kubectl', ...Array.from({ length: NAMESPACES }, (_, i) => `bench-${i}`)]) await driver.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await driver.create({ ...gitType, metadata: { name: 'bench', namespace: 'flux-system' }, spec: { url: 'http://example.invalid/bench.git', interval: '1h' } } as KubeObject);
    const revision = 'main@sha1:' + 'b'.repeat(40);
    await driver.patch(
      { ...gitType, namespace: 'flux-system', name: 'bench' },
      { status: { artifact: { path: rel, url: `${server.url}/${rel}`, revision, digest: archive.digest, lastUpdateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), size: archive.size } } },
      { type: 'merge', subresource: 'status' },
    );
    await manager.start();
    console.log(`kustomize-controller bench: ${KS} Kustomizations, ${OBJECTS}-object Kustomization, concurrency ${CONCURRENCY}, client qps ${QPS > 0 ? `${QPS} burst ${QPS * 6}` : 'unlimited'}, wait=${WAIT} (2-core machine shared with the cluster process)`);

    // 1. Many Kustomizations.
    const base: Omit<KustomizationSpec, 'targetNamespace' | 'namePrefix'> = { interval: '1h', prune: true, wait: WAIT, sourceRef: { kind: 'GitRepository', name: 'bench' }, path: './app' };
    const t0 = Date.now();
    const req0 = counter.mark();
    const cpu0 = process.cpuUsage();
    const childCpu0 = childCpuMs(child.pid);
    const creates: Array<Promise<unknown>> = [];
    for (let i = 0; i < KS; i++) {
      creates.push(driver.create({ ...ksType, metadata: { name: `app-${i}`, namespace: 'flux-system' }, spec: { ...base, targetNamespace: `bench-${i % NAMESPACES}`, namePrefix: `app-${i}-` } } as KubeObject));
      if (creates.length >= 32) await Promise.all(creates.splice(0));
    }
    await Promise.all(creates);
    const createdMs = Date.now() - t0;
    let peakRss = rssMiB();
    for (;;) {
      // The controller's own informer cache (no list requests, no garbage billed to the controller).
      const items = manager.informers.informerFor({ type: ksType }).cache.list('flux-system') as Kustomization[];
      const ready = items.filter((k) => k.metadata.name?.startsWith('app-') && getCondition(k, 'Ready')?.status === 'True').length;
      peakRss = Math.max(peakRss, rssMiB());
      if (ready >= KS) break;
      if (Date.now() - t0 > 600_000) throw new Error(`only ${ready}/${KS} Ready after 600 s`);
      await sleep(500);
    }
    const allReadyMs = Date.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const childCpu = childCpuMs(child.pid) - childCpu0;
    console.log(`1. ${KS} Kustomizations (4 objects each) all Ready`.padEnd(61) + ' ' + `${fmt(allReadyMs)} (creates took ${fmt(createdMs)})  target < ${fmt(TARGETS.allReadyMs)}: ${mark(allReadyMs < TARGETS.allReadyMs)}`);
    console.log(`   CPU: controller process / cluster process`.padEnd(61) + ' ' + `${fmt((cpu.user + cpu.system) / 1000)} / ${fmt(childCpu)}`);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heap = process.memoryUsage();
    console.log(`   controller RSS (peak while reconciling / now)`.padEnd(61) + ' ' + `${peakRss.toFixed(0)} MiB / ${rssMiB().toFixed(0)} MiB  target < ${TARGETS.rssMiB} MiB: ${mark(peakRss < TARGETS.rssMiB)}`);
    console.log(`   heap used${gc ? ' after GC' : ''} / external`.padEnd(61) + ' ' + `${(heap.heapUsed / 1048576).toFixed(0)} MiB / ${(heap.external / 1048576).toFixed(0)} MiB`);
    console.log(`   controller requests until all Ready (count, per Kustomization); ${((counter.total - [...req0.counts.values()].reduce((a, b) => a + b, 0)) / (allReadyMs / 1000)).toFixed(0)} req/s`);
    for (const line of counter.report(req0, KS)) console.log(line);
    if (RESYNC) await resync({ manager, driver, counter, child });
    if (OBJECTS <= 0) {
      await server.close();
      return;
    }

    // 2. One big Kustomization vs kubectl apply --server-side of the same rendered YAML.
    const rendered = renderFluxPath({ root: src, path: 'big', overlay: { targetNamespace: 'kubectl' } }).objects;
    const yamlFile = join(dir, 'rendered.yaml');
    await writeFile(yamlFile, rendered.map(emitDocument).join('---\n'));
    const kc = { KUBECONFIG: kubeconfig };
    const k0 = Date.now();
    const applied = await runTool('kubectl', ['apply', '--server-side', '--field-manager=bench', '-f', yamlFile], { env: kc, timeoutMs: 600_000 });
    const kubectlMs = Date.now() - k0;
    if (applied.code !== 0) throw new Error(`kubectl apply failed: ${applied.stderr}`);
    const k1 = Date.now();
    await runTool('kubectl', ['apply', '--server-side', '--field-manager=bench', '-f', yamlFile], { env: kc, timeoutMs: 600_000 });
    const kubectlNoopMs = Date.now() - k1;

    const b0 = Date.now();
    const reqBig0 = counter.mark();
    await driver.create({ ...ksType, metadata: { name: 'big', namespace: 'flux-system' }, spec: { interval: '1h', prune: true, sourceRef: { kind: 'GitRepository', name: 'bench' }, path: './big', targetNamespace: 'big' } } as KubeObject);
    const waitBig = async (check: (k: Kustomization) => boolean): Promise<Kustomization> => {
      for (;;) {
        const k = (await driver.get({ ...ksType, namespace: 'flux-system', name: 'big' })) as Kustomization;
        if (check(k)) return k;
        if (Date.now() - b0 > 600_000) throw new Error(`big Kustomization not Ready: ${JSON.stringify(k.status?.conditions)}`);
        await sleep(20);
      }
    };
    const first = await waitBig((k) => getCondition(k, 'Ready')?.status === 'True');
    const firstMs = Date.now() - b0;
    const reqBig1 = counter.mark();
    const entries = first.status?.inventory?.entries.length ?? 0;
    const reqNoop0 = counter.mark();
    const token = `noop-${Date.now()}`;
    const n0 = Date.now();
    await driver.patch({ ...ksType, namespace: 'flux-system', name: 'big' }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } }, { type: 'merge' });
    await waitBig((k) => k.status?.lastHandledReconcileAt === token && getCondition(k, 'Ready')?.status === 'True' && getCondition(k, 'Reconciling') === undefined);
    const noopMs = Date.now() - n0;
    const r1 = firstMs / kubectlMs;
    const r2 = noopMs / kubectlMs;
    console.log(`2. kubectl apply --server-side of ${rendered.length} objects (first / again)`.padEnd(61) + ' ' + `${fmt(kubectlMs)} / ${fmt(kubectlNoopMs)}`);
    console.log(`   Kustomization of ${entries} objects: first reconcile (create → Ready)`.padEnd(61) + ' ' + `${fmt(firstMs)} = ${r1.toFixed(2)}× kubectl  target ≤ ${TARGETS.firstRatio}×: ${mark(r1 <= TARGETS.firstRatio)}`);
    console.log(`   no-op reconcile (requestedAt → Ready)`.padEnd(61) + ' ' + `${fmt(noopMs)} = ${r2.toFixed(2)}× kubectl  target ≤ ${TARGETS.noopRatio}×: ${mark(r2 <= TARGETS.noopRatio)}`);
    console.log('   controller requests, first reconcile');
    for (const line of counter.report(reqBig0, 1, reqBig1)) console.log(line);
    console.log('   controller requests, no-op reconcile');
    for (const line of counter.report(reqNoop0, 1)) console.log(line);
    await server.close();
  } finally {
    await manager.stop();
    client.close();
    driver.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
