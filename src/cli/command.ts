/**
 * The shape of a `lockstep` command. Commands form a tree by their `path` (`['get', 'sources', 'git']`);
 * each leaf parses its own flags with `node:util` parseArgs and returns an exit code.
 */
import type { ParseArgsConfig } from 'node:util';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Parsed flags and positional arguments of one invocation. */
export interface CommandArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** One leaf command. */
export interface Command {
  /** Words that select it, e.g. `['cluster', 'start']`. */
  path: readonly string[];
  /** One line for the command list. */
  summary: string;
  /** Usage, flags and examples shown by `--help`. */
  help: string;
  /** Flags, as `node:util` parseArgs takes them (`--help` is added for every command). */
  options?: ParseArgsConfig['options'];
  /** Runs the command; resolves to the process exit code. */
  run(args: CommandArgs, io: CommandIO): Promise<number>;
}

/** Exit codes shared by every command (documented in README). */
export const ExitCode = {
  ok: 0,
  /** A failure: the reason is printed on stderr. */
  failed: 1,
  /** Wrong usage: unknown command or flag. */
  usage: 2,
} as const;
