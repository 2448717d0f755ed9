/** Entry point of the `lockstep` binary. */
import { runCli } from '../cli/main.js';
import { armExitDiagnostics } from './exit-diagnostics.js';

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
armExitDiagnostics(process.env, process.stderr);
