/**
 * Shared body of the one-controller entry points (`source-controller`, `kustomize-controller`), the
 * processes a container image runs: `lockstep controllers --only NAME` with the process's own flags.
 */
import { runCli } from '../cli/main.js';

/** Runs the named controller until SIGINT/SIGTERM and sets the process exit code. */
export async function runSingleController(name: string): Promise<void> {
  process.exitCode = await runCli(['controllers', '--only', name, ...process.argv.slice(2)], {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
}
