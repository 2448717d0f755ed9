/**
 * Drives the BUILT CLI (`node bin/lockstep.js`, i.e. dist/) as a user would: child processes with a
 * working directory and environment of the test's choosing. Build first (`npm run build`; `npm test`
 * does it).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

/** The CLI entry point. */
export const lockstepBin = join(packageRoot(), 'bin', 'lockstep.js');

/** Throws unless dist/ has been built. */
export function requireBuilt(): void {
  if (!existsSync(join(packageRoot(), 'dist', 'src', 'cmd', 'lockstep.js'))) throw new Error('dist/ is not built: run npm run build');
}

/** A finished CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment for CLI children: no user kubeconfig, no colours. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1', KUBECONFIG: '/dev/null', ...extra };
}

/** Runs `lockstep <args>` to completion. */
export function lockstep(args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [lockstepBin, ...args], { cwd: opts.cwd, env: cliEnv(opts.env), timeout: opts.timeoutMs ?? 180_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** A CLI process left running, with its output so far. */
export interface BackgroundCli {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Sends SIGINT and resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

/** Starts `lockstep <args>` in the background. */
export function lockstepBackground(args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): BackgroundCli {
  const child = spawn(process.execPath, [lockstepBin, ...args], { cwd: opts.cwd, env: cliEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => ({ stdout, stderr }),
    interrupt: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/**
 * A program line that runs `argv` with inherited stdio and, once it exits, writes its exit status to
 * `statusFile` as JSON `{code, signal}` (then exits with the same code).
 *
 * For commands run inside a tmux pane: tmux 3.3a sometimes never reaps a pane's exited process under
 * load (the pane shows dead, `pane_dead_status` stays empty, the child stays a zombie, no "Pane is
 * dead" line), so a test reading the exit from tmux could wait forever. This wrapper reaps its child
 * itself (node's child_process) and records the status where the test can read it.
 */
export function recordExitArgv(statusFile: string, argv: readonly string[]): string[] {
  const script = [
    "const { spawn } = require('node:child_process');",
    "const { writeFileSync, renameSync } = require('node:fs');",
    'const [file, cmd, ...args] = process.argv.slice(1);',
    "const child = spawn(cmd, args, { stdio: 'inherit' });",
    "for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => child.kill(s));",
    "child.on('exit', (code, signal) => { writeFileSync(file + '.tmp', JSON.stringify({ code, signal })); renameSync(file + '.tmp', file); process.exitCode = code ?? 1 })",
  ].join('\n'); // no ';' at the very end: tmux takes an argument ending in ';' for a command separator
  return [process.execPath, '-e', script, statusFile, ...argv];
}

/** The status {@link recordExitArgv} wrote, or undefined while the command runs. */
export async function readExitStatus(statusFile: string): Promise<{ code: number | null; signal: string | null } | undefined> {
  try {
    return JSON.parse(await readFile(statusFile, 'utf8')) as { code: number | null; signal: string | null };
  } catch {
    return undefined;
  }
}
