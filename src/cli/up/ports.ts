/**
 * Stable loopback ports across `lockstep up` runs: the git server's and the artifact server's ports are
 * remembered in `<data>/ports.json`, so the GitRepository URL and the artifact URLs stored in the
 * cluster stay valid after a restart (a changed URL would leave Kustomizations fetching from a dead
 * address until their next retry). A remembered port that is taken is replaced by a free one.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The remembered ports. */
export interface UpPorts {
  git: number;
  storage: number;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const addr = s.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function readPorts(dataDir: string): Partial<UpPorts> {
  try {
    const v = JSON.parse(readFileSync(join(dataDir, 'ports.json'), 'utf8')) as Record<string, unknown>;
    const ok = (x: unknown): number | undefined => (typeof x === 'number' && Number.isInteger(x) && x > 0 && x < 65536 ? x : undefined);
    return { git: ok(v['git']), storage: ok(v['storage']) };
  } catch {
    return {};
  }
}

/** Ports to use now (remembered ones when free), written back to `<data>/ports.json`. */
export async function stablePorts(dataDir: string): Promise<UpPorts> {
  const prev = readPorts(dataDir);
  const pick = async (p: number | undefined): Promise<number> => (p !== undefined && (await canListen(p)) ? p : freePort());
  const git = await pick(prev.git);
  let storage = await pick(prev.storage);
  if (storage === git) storage = await freePort();
  const ports = { git, storage };
  writeFileSync(join(dataDir, 'ports.json'), JSON.stringify(ports) + '\n');
  return ports;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes this process the only `lockstep up` on `dataDir` (`<data>/up.pid`): two would share one cluster
 * database and run dueling controllers. Throws naming the running one; returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'up.pid');
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
  } catch {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new Error(`lockstep up is already running from ${dataDir} (pid ${pid}); stop it first or use --data DIR`);
    writeFileSync(path, `${process.pid}\n`);
  }
  return () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
}
