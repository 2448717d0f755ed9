/**
 * `lockstep` argument dispatch: finds the longest command path matching the words given, parses that
 * command's flags and runs it. `--help` works on every command and on every group of commands.
 */
import { parseArgs } from 'node:util';
import type { Command, CommandIO } from './command.js';
import { ExitCode } from './command.js';
import { commands as allCommands } from './commands/index.js';

function findCommand(words: readonly string[], commands: readonly Command[]): { cmd?: Command; used: number } {
  let best: { cmd?: Command; used: number } = { used: 0 };
  for (const cmd of commands) {
    const n = cmd.path.length;
    if (n > words.length || n <= best.used) continue;
    if (cmd.path.every((w, i) => words[i] === w)) best = { cmd, used: n };
  }
  return best;
}

function usage(prefix: readonly string[], commands: readonly Command[]): string {
  const matching = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
  const width = Math.max(...matching.map((c) => c.path.join(' ').length), 10);
  const lines = matching
    .map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`)
    .sort();
  return [
    'Lockstep: GitOps continuous delivery for Kubernetes, compatible with Flux v1 APIs.',
    '',
    `Usage: lockstep ${prefix.length ? prefix.join(' ') + ' ' : ''}<command> [flags]`,
    '',
    'Commands:',
    ...lines,
    '',
    'Run "lockstep <command> --help" for the flags and examples of a command.',
    '',
  ].join('\n');
}

/** Accepts `--flag=true|false` for boolean flags, as cobra does (`--prune=true`): `--flag` or nothing. */
function booleanValues(args: readonly string[], cmd: Command): string[] {
  return args.flatMap((a) => {
    const m = /^--([^=]+)=(true|false)$/.exec(a);
    if (!m || cmd.options?.[m[1] as string]?.type !== 'boolean') return [a];
    return m[2] === 'true' ? [`--${m[1] as string}`] : [];
  });
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CommandIO, commands: readonly Command[] = allCommands): Promise<number> {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  const { cmd, used } = findCommand(words, commands);
  if (!cmd) {
    const wantsHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h') || words[0] === 'help';
    const prefix = words[0] === 'help' ? words.slice(1) : words;
    const known = commands.some((c) => prefix.every((w, i) => c.path[i] === w));
    if (known && (wantsHelp || prefix.length > 0)) {
      io.stdout.write(usage(prefix, commands));
      return wantsHelp ? ExitCode.ok : ExitCode.usage;
    }
    io.stderr.write(`Error: unknown command "${words.join(' ')}"\n\n${usage([], commands)}`);
    return ExitCode.usage;
  }
  const rest = booleanValues(argv.slice(used), cmd);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...(cmd.options ?? {}), help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    io.stderr.write(`Error: ${(err as Error).message}\n\n${cmd.help}`);
    return ExitCode.usage;
  }
  if (parsed.values.help) {
    io.stdout.write(cmd.help);
    return ExitCode.ok;
  }
  try {
    return await cmd.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (err) {
    io.stderr.write(`✗ ${(err as Error).message}\n`);
    return ExitCode.failed;
  }
}
