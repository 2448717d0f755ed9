/**
 * `lockstep cluster start|stop|status`: the local cluster as a process. `start` runs it in the foreground
 * (or detached with `--background`), writes `DIR/kubeconfig` and `DIR/cluster.json` ({pid, url}); `stop`
 * sends SIGTERM to the recorded pid and waits; `status` reports whether it answers `/healthz`.
 */
import { writeFileAtomic } from '../../util/fs.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { ExitCode } from '../command.js';
import { startLocalCluster } from '../../cluster/server.js';
import { packageRoot } from '../../util/paths.js';

/** Default data directory, relative to the working directory. */
export const DEFAULT_CLUSTER_DIR = '.lockstep/cluster';

interface ClusterRecord {
  pid: number;
  url: string;
}

function dataDir(args: CommandArgs, io: CommandIO): string {
  const d = typeof args.values.data === 'string' ? args.values.data : DEFAULT_CLUSTER_DIR;
  return resolve(io.cwd, d);
}

function readRecord(dir: string): ClusterRecord | undefined {
  const p = join(dir, 'cluster.json');
  if (!existsSync(p)) return undefined;
  try {
    const r = JSON.parse(readFileSync(p, 'utf8')) as Partial<ClusterRecord>;
    return typeof r.pid === 'number' && typeof r.url === 'string' ? { pid: r.pid, url: r.url } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function healthy(url: string, ca: string): Promise<boolean> {
  return new Promise((res) => {
    const req = request(new URL('/healthz', url), { ca, timeout: 2000 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('error', () => res(false));
    req.on('timeout', () => {
      req.destroy();
      res(false);
    });
    req.end();
  });
}

const sharedOptions = {
  data: { type: 'string' },
} as const;

async function runForeground(args: CommandArgs, io: CommandIO, dir: string): Promise<number> {
  const port = Number(args.values.port ?? '6443');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write(`✗ --port must be a port number, got ${String(args.values.port)}\n`);
    return ExitCode.usage;
  }
  const prev = readRecord(dir);
  if (prev && alive(prev.pid) && prev.pid !== process.pid) {
    io.stderr.write(`✗ a cluster is already running from ${dir} (pid ${prev.pid}, ${prev.url})\n`);
    return ExitCode.failed;
  }
  const host = typeof args.values.host === 'string' ? args.values.host : '127.0.0.1';
  const cluster = await startLocalCluster({ port, host, dataDir: dir, inMemory: args.values['in-memory'] === true, simulate: args.values['no-simulation'] !== true });
  writeFileAtomic(join(dir, 'cluster.json'), JSON.stringify({ pid: process.pid, url: cluster.url }) + '\n');
  io.stdout.write(`local cluster listening on ${cluster.url}\nkubeconfig: ${cluster.kubeconfigPath}\n  export KUBECONFIG=${cluster.kubeconfigPath}\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await cluster.close();
  rmSync(join(dir, 'cluster.json'), { force: true });
  io.stdout.write('local cluster stopped\n');
  return ExitCode.ok;
}

async function runBackground(args: CommandArgs, io: CommandIO, dir: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const log = openSync(join(dir, 'cluster.log'), 'a');
  const argv = [join(packageRoot(), 'bin', 'lockstep.js'), 'cluster', 'start', '--data', dir, '--port', String(args.values.port ?? '6443')];
  if (typeof args.values.host === 'string') argv.push('--host', args.values.host);
  if (args.values['in-memory'] === true) argv.push('--in-memory');
  if (args.values['no-simulation'] === true) argv.push('--no-simulation');
  rmSync(join(dir, 'cluster.json'), { force: true });
  const child = spawn(process.execPath, argv, { detached: true, stdio: ['ignore', log, log], cwd: io.cwd, env: io.env });
  child.unref();
  for (let i = 0; i < 300; i++) {
    const rec = readRecord(dir);
    if (rec && rec.pid === child.pid) {
      io.stdout.write(`local cluster started in the background (pid ${rec.pid}) on ${rec.url}\nkubeconfig: ${join(dir, 'kubeconfig')}\n`);
      return ExitCode.ok;
    }
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  io.stderr.write(`✗ the cluster did not start; see ${join(dir, 'cluster.log')}\n`);
  return ExitCode.failed;
}

export const clusterStartCommand: Command = {
  path: ['cluster', 'start'],
  summary: 'Run the local Kubernetes-API-compatible cluster',
  help: `Usage: lockstep cluster start [--port 6443] [--data DIR] [--in-memory] [--no-simulation] [--background]

Runs the local cluster (HTTPS on 127.0.0.1) in the foreground until interrupted. State (SQLite), the CA
and the kubeconfig live in DIR (default ${DEFAULT_CLUSTER_DIR}); --in-memory keeps objects in memory only.
--background starts it detached and returns once it is listening (stop it with "lockstep cluster stop").

Flags:
  --port N        TCP port (default 6443; 0 picks a free one)
  --host ADDR     listen address (default 127.0.0.1)
  --data DIR      data directory (default ${DEFAULT_CLUSTER_DIR})
  --in-memory     do not persist objects
  --no-simulation do not simulate workloads (Deployments, Pods… keep the status clients write)
  --background    run detached, logging to DIR/cluster.log

Example:
  lockstep cluster start --port 6443 && export KUBECONFIG=${DEFAULT_CLUSTER_DIR}/kubeconfig
`,
  options: { ...sharedOptions, port: { type: 'string' }, host: { type: 'string' }, 'in-memory': { type: 'boolean' }, 'no-simulation': { type: 'boolean' }, background: { type: 'boolean' } },
  async run(args, io) {
    const dir = dataDir(args, io);
    return args.values.background === true ? runBackground(args, io, dir) : runForeground(args, io, dir);
  },
};

export const clusterStopCommand: Command = {
  path: ['cluster', 'stop'],
  summary: 'Stop a background local cluster',
  help: `Usage: lockstep cluster stop [--data DIR]\n\nSends SIGTERM to the cluster recorded in DIR/cluster.json (default ${DEFAULT_CLUSTER_DIR}) and waits for it to exit.\n`,
  options: sharedOptions,
  async run(args, io) {
    const dir = dataDir(args, io);
    const rec = readRecord(dir);
    if (!rec || !alive(rec.pid)) {
      rmSync(join(dir, 'cluster.json'), { force: true });
      io.stdout.write('no local cluster is running\n');
      return ExitCode.ok;
    }
    process.kill(rec.pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(rec.pid); i++) await sleep(100);
    if (alive(rec.pid)) {
      io.stderr.write(`✗ pid ${rec.pid} did not exit within 10s\n`);
      return ExitCode.failed;
    }
    rmSync(join(dir, 'cluster.json'), { force: true });
    io.stdout.write(`local cluster stopped (pid ${rec.pid})\n`);
    return ExitCode.ok;
  },
};

export const clusterStatusCommand: Command = {
  path: ['cluster', 'status'],
  summary: 'Show whether the local cluster is running',
  help: `Usage: lockstep cluster status [--data DIR]\n\nPrints the URL and pid of the cluster recorded in DIR (default ${DEFAULT_CLUSTER_DIR}) and whether it answers; exit code 1 when it is not running.\n`,
  options: sharedOptions,
  async run(args, io) {
    const dir = dataDir(args, io);
    const rec = readRecord(dir);
    if (!rec || !alive(rec.pid)) {
      io.stdout.write('local cluster: not running\n');
      return ExitCode.failed;
    }
    const caPath = join(dir, 'ca.crt');
    const ok = existsSync(caPath) ? await healthy(rec.url, readFileSync(caPath, 'utf8')) : false;
    io.stdout.write(`local cluster: ${ok ? 'running' : 'not answering'} (pid ${rec.pid}) at ${rec.url}\nkubeconfig: ${join(dir, 'kubeconfig')}\n`);
    return ok ? ExitCode.ok : ExitCode.failed;
  },
};

/** The `cluster` commands. */
export const clusterCommands: readonly Command[] = [clusterStartCommand, clusterStopCommand, clusterStatusCommand];
