/**
 * Local cluster benchmark. The server runs in its own process (`lockstep cluster start`, SQLite in a temp
 * dir) so the client's CPU is not billed to it on this 2-core machine (they still share the cores).
 * Prints: server-side applies/s with 16 concurrent clients (ConfigMaps, Deployments) with p50/p99 and the
 * server's CPU per apply (the figure that holds up when other processes load the machine), list latency at
 * 10,000 and 50,000 objects, watch fan-out to 100 watchers, the server's RSS at 50,000 objects — each with its
 * target — and, in a second server with the workload simulation on, the server CPU per Deployment from its apply
 * until it is Available (ReplicaSet, pods, statuses, events). Run: `npm run bench -- cluster` (after a build);
 * `-- --quick` for smaller counts while iterating (figures then say so).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

interface Conn {
  url: string;
  ca: string;
  token: string;
  agent: Agent;
}

const CLIENTS = 16;
/** `--quick`: smaller counts (apply and simulation figures only) for iterating; the printed figures say so. */
const QUICK = process.argv.includes('--quick');

function call(c: Conn, method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${c.token}`, Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const req = request(new URL(path, c.url), { method, headers, ca: c.ca, agent: c.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function runConcurrent(total: number, fn: (i: number) => Promise<void>): Promise<{ seconds: number; lat: number[] }> {
  const lat: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await fn(i);
        lat.push(performance.now() - t);
      }
    }),
  );
  return { seconds: (performance.now() - start) / 1000, lat: lat.sort((a, b) => a - b) };
}

// Apply configurations are sent as JSON with the apply-patch+yaml media type, as kubectl and client-node do.
const configMap = (i: number, round: number): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'bench', labels: { app: 'bench', shard: `s${i % 10}` } }, data: { round: String(round), key: `value-${i}` } });

const deployment = (i: number, round: number): string =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `dep-${i}`, namespace: 'bench', labels: { app: 'bench' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: `dep-${i}` } },
      template: {
        metadata: { labels: { app: `dep-${i}` } },
        spec: {
          containers: [
            {
              name: 'app',
              image: `nginx:1.${round}`,
              ports: [{ containerPort: 80 }],
              env: [{ name: 'MODE', value: 'bench' }],
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
            },
          ],
        },
      },
    },
  });

async function applies(c: Conn, kind: 'ConfigMap' | 'Deployment', n: number): Promise<void> {
  const path = (i: number): string =>
    kind === 'ConfigMap' ? `/api/v1/namespaces/bench/configmaps/cm-${i}` : `/apis/apps/v1/namespaces/bench/deployments/dep-${i}`;
  const body = kind === 'ConfigMap' ? configMap : deployment;
  for (const round of [1, 2]) {
    const cpu0 = cpuSeconds(serverPid);
    const r = await runConcurrent(n, async (i) => {
      const res = await call(c, 'PATCH', `${path(i)}?fieldManager=bench&force=true`, body(i, round), 'application/apply-patch+yaml');
      if (res.status >= 300) throw new Error(`apply ${kind} ${i}: ${res.status} ${res.text}`);
    });
    const rate = n / r.seconds;
    const cpuMs = ((cpuSeconds(serverPid) - cpu0) * 1000) / n;
    const label = `${kind} applies (${round === 1 ? 'create' : 'update'}), 16 clients`;
    console.log(
      `${label.padEnd(44)} ${rate.toFixed(0).padStart(6)}/s  p50 ${percentile(r.lat, 50).toFixed(1)} ms  p99 ${percentile(r.lat, 99).toFixed(1)} ms  server CPU ${cpuMs.toFixed(2)} ms/apply = ${(1000 / cpuMs).toFixed(0)}/s per core   (target ≥ 1,500/s, p99 < 50 ms)`,
    );
  }
}

async function fill(c: Conn, upTo: number, from: number): Promise<void> {
  await runConcurrent(upTo - from, async (j) => {
    const i = from + j;
    const res = await call(c, 'POST', '/api/v1/namespaces/bench/configmaps', JSON.stringify({ metadata: { name: `fill-${i}`, labels: { app: 'fill', shard: `s${i % 100}` } }, data: { key: `value-${i}`, other: 'x'.repeat(64) } }));
    if (res.status !== 201) throw new Error(`fill ${i}: ${res.status} ${res.text}`);
  });
}

async function listLatency(c: Conn, count: number): Promise<void> {
  const times: number[] = [];
  const sel: number[] = [];
  for (let k = 0; k < 5; k++) {
    let t = performance.now();
    const all = await call(c, 'GET', '/api/v1/namespaces/bench/configmaps');
    times.push(performance.now() - t);
    if (k === 0 && all.status !== 200) throw new Error(`list: ${all.status}`);
    t = performance.now();
    await call(c, 'GET', '/api/v1/namespaces/bench/configmaps?labelSelector=shard%3Ds7');
    sel.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  sel.sort((a, b) => a - b);
  console.log(`list of ${count.toLocaleString('en')} ConfigMaps (full JSON)`.padEnd(44) + ` median ${percentile(times, 50).toFixed(0)} ms; label-selected 1% median ${percentile(sel, 50).toFixed(0)} ms`);
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

let serverPid = 0;

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function watchFanout(c: Conn, watchers: number, writes: number): Promise<void> {
  const rv = JSON.parse((await call(c, 'GET', '/api/v1/namespaces/bench/configmaps?limit=1')).text) as { metadata: { resourceVersion: string } };
  let received = 0;
  const target = watchers * writes;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const reqs = Array.from({ length: watchers }, () => {
    const req = request(new URL(`/api/v1/namespaces/bench/configmaps?watch=true&labelSelector=app%3Dwatch&resourceVersion=${rv.metadata.resourceVersion}`, c.url), { headers: { Authorization: `Bearer ${c.token}` }, ca: c.ca, agent: false }, (res) => {
      res.on('data', (d: Buffer) => {
        for (const b of d) if (b === 10) received++;
        if (received >= target) done();
      });
    });
    req.on('error', () => undefined);
    req.end();
    return req;
  });
  await new Promise((r) => setTimeout(r, 500));
  const start = performance.now();
  await runConcurrent(writes, async (i) => {
    await call(c, 'POST', '/api/v1/namespaces/bench/configmaps', JSON.stringify({ metadata: { name: `watch-${i}`, labels: { app: 'watch' } } }));
  });
  await Promise.race([finished, new Promise((r) => setTimeout(r, 30_000))]);
  const secs = (performance.now() - start) / 1000;
  for (const r of reqs) r.destroy();
  console.log(`watch fan-out: ${watchers} watchers × ${writes} writes`.padEnd(44) + ` ${received.toLocaleString('en')}/${target.toLocaleString('en')} events in ${secs.toFixed(2)} s = ${(received / secs).toFixed(0)} events/s delivered`);
}

async function startServer(dir: string, simulation = false): Promise<{ child: ChildProcess; conn: Conn }> {
  const entry = join(packageRoot(), 'dist', 'src', 'cmd', 'lockstep.js');
  // API-server figures: the workload simulation (its own CPU-heavy controllers) is off; simulation figures: on
  const child = spawn(process.execPath, [entry, 'cluster', 'start', '--port', '0', '--data', dir, ...(simulation ? [] : ['--no-simulation'])], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 300 && !existsSync(join(dir, 'cluster.json')); i++) await new Promise((r) => setTimeout(r, 100));
  const rec = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as { url: string };
  const conn: Conn = { url: rec.url, ca: readFileSync(join(dir, 'ca.crt'), 'utf8'), token: readFileSync(join(dir, 'admin-token'), 'utf8').trim(), agent: new Agent({ keepAlive: true, maxSockets: CLIENTS }) };
  return { child, conn };
}

interface DeploymentStatusView {
  metadata: { generation?: number };
  status?: { observedGeneration?: number; readyReplicas?: number; conditions?: { type: string; status: string }[] };
}

function available(d: DeploymentStatusView): boolean {
  const s = d.status;
  return s?.readyReplicas === 2 && s.observedGeneration === d.metadata.generation && (s.conditions ?? []).some((c) => c.type === 'Available' && c.status === 'True');
}

/**
 * The workload simulation's cost: `n` Deployments (2 replicas) applied by 16 clients into a server with the
 * simulation on, then polled (one list per second) until every one is Available; prints the server's CPU per
 * Deployment over the whole span (its apply included) and how many writes each caused.
 */
async function simulation(n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-sim-'));
  const { child, conn } = await startServer(dir, true);
  const pid = child.pid ?? 0;
  try {
    await call(conn, 'POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: 'sim' } }));
    await new Promise((r) => setTimeout(r, 1000));
    const rvOf = async (): Promise<number> => Number((JSON.parse((await call(conn, 'GET', '/api/v1/namespaces/sim/configmaps?limit=1')).text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
    const rv0 = await rvOf();
    const cpu0 = cpuSeconds(pid);
    const start = performance.now();
    await runConcurrent(n, async (i) => {
      const body = deployment(i, 1).replace('"namespace":"bench"', '"namespace":"sim"');
      const res = await call(conn, 'PATCH', `/apis/apps/v1/namespaces/sim/deployments/dep-${i}?fieldManager=bench&force=true`, body, 'application/apply-patch+yaml');
      if (res.status >= 300) throw new Error(`apply Deployment ${i}: ${res.status} ${res.text}`);
    });
    let ready = 0;
    for (let k = 0; k < 300 && ready < n; k++) {
      const list = JSON.parse((await call(conn, 'GET', '/apis/apps/v1/namespaces/sim/deployments')).text) as { items: DeploymentStatusView[] };
      ready = list.items.filter(available).length;
      if (ready < n) await new Promise((r) => setTimeout(r, 1000));
    }
    const secs = (performance.now() - start) / 1000;
    const cpuMs = ((cpuSeconds(pid) - cpu0) * 1000) / n;
    const writes = ((await rvOf()) - rv0) / n;
    console.log(
      `workload simulation: ${n} Deployments → Available`.padEnd(44) +
        ` ${ready}/${n} in ${secs.toFixed(1)} s; server CPU ${cpuMs.toFixed(2)} ms per Deployment (apply included), ${writes.toFixed(1)} writes each`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    conn.agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** List latency at 10,000 and 50,000 ConfigMaps, RSS with 52,000 objects, watch fan-out. */
async function listsAndWatches(conn: Conn, pid: number): Promise<void> {
  // 3,000 cm-* ConfigMaps exist already; fill up to 10,000 then 50,000 ConfigMaps in the namespace
  await fill(conn, 10_000 - 3000, 0);
  await listLatency(conn, 10_000);
  await fill(conn, 50_000 - 3000, 10_000 - 3000);
  await listLatency(conn, 50_000);
  const rss = rssMiB(pid);
  console.log(`server RSS with ${(50_000 + 2000).toLocaleString('en')} objects`.padEnd(44) + ` ${rss.toFixed(0)} MiB   (target < 600 MiB)`);
  await watchFanout(conn, 100, 200);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-cluster-'));
  const { child, conn } = await startServer(dir);
  serverPid = child.pid ?? 0;
  try {
    await call(conn, 'POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: 'bench' } }));
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`local cluster bench${QUICK ? ' (--quick: smaller counts)' : ''} (server pid ${child.pid ?? '?'}, SQLite WAL in ${dir}; load average ${load} on ${cpus().length} cores)`);
    await applies(conn, 'ConfigMap', QUICK ? 1000 : 3000);
    await applies(conn, 'Deployment', QUICK ? 1000 : 2000);
    if (!QUICK) await listsAndWatches(conn, child.pid ?? 0);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    conn.agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  await simulation(QUICK ? 200 : 500);
}

await main();
