/**
 * Test helpers for CLI commands: run `runCli` in-process with captured stdout/stderr.
 */
import { PassThrough } from 'node:stream';
import { runCli } from '../main.js';
import type { Command } from '../command.js';

/** The outcome of one in-process invocation. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `lockstep <argv>` in-process with captured output (no colour, no spinner animation). */
export async function runCapture(argv: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; commands?: readonly Command[] } = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const io = { stdout: out, stderr: err, env: { NO_COLOR: '1', ...(opts.env ?? {}) }, cwd: opts.cwd ?? process.cwd() };
  const code = opts.commands ? await runCli(argv, io, opts.commands) : await runCli(argv, io);
  return { code, stdout, stderr };
}
